package io.tunestream.gateway.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.tunestream.gateway.ApiKey;
import io.tunestream.gateway.Scope;
import io.tunestream.gateway.config.GatewayConfig;
import io.tunestream.gateway.repository.ApiKeyRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Creates, lists, revokes and checks API keys.
 *
 * <p>A key found valid in the database is remembered for {@code key-cache-ttl} (by its hash, never the token), so that
 * a busy key costs no query and no transaction per request. What that allows, and no more: an expiry takes effect at
 * once (it is checked on every request); a revocation made on this replica at once (it forgets the key before
 * answering, and a lookup that raced with it is not remembered); a revocation made on another replica within the
 * time-to-live. Unknown, revoked and expired keys are never remembered: they are looked up on every request. A TTL of
 * zero reads the database on every request.
 */
@ApplicationScoped
public class ApiKeyService {

    static final String BOOTSTRAP_NAME = "bootstrap-admin";
    /** A key's last use is written at most this often: the time is for people, not for billing. */
    static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);

    private final ApiKeyRepository keys;
    private final GatewayConfig config;
    private final Clock clock;
    /** When this replica last wrote each key's last use, so that most requests write nothing. */
    private final Map<Long, Instant> lastRecordedUse = new ConcurrentHashMap<>();
    /** Keys found valid in the database lately, by hash. */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    /** Counts this replica's revocations: a lookup that overlapped one is not remembered. Guarded by this. */
    private long revocations;

    /** A key found valid at {@code verifiedAt}, until {@code expiresAt} (null: no expiry). */
    private record Verified(KeyGrant grant, Instant expiresAt, Instant verifiedAt) {}

    public ApiKeyService(ApiKeyRepository keys, GatewayConfig config) {
        this.keys = keys;
        this.config = config;
        this.clock = Clock.systemUTC();
    }

    /** A key just created: the token, which is shown now and never again, and what is stored. */
    public record CreatedKey(String token, ApiKey key) {}

    /** What a valid key grants, as the security layer needs it. */
    public record KeyGrant(long id, String name, Set<Scope> scopes, Double requestsPerSecond, Long tokensPerMinute) {}

    @Transactional
    void createBootstrapAdminKey(@Observes StartupEvent start) {
        Optional<String> token = config.adminKey().map(String::trim).filter(value -> !value.isEmpty());
        if (token.isEmpty()) {
            return;
        }
        if (!KeyTokens.wellFormed(token.get())) {
            // The value itself is never logged: it is a secret even when it is malformed.
            throw new IllegalStateException(
                    "tunestream.gateway.admin-key (TUNESTREAM_GATEWAY_ADMIN_KEY) must start with '"
                            + KeyTokens.PREFIX + "' followed by at least "
                            + (KeyTokens.MINIMUM_LENGTH - KeyTokens.PREFIX.length())
                            + " letters, digits, '-' or '_'");
        }
        if (keys.findByHash(KeyTokens.hash(token.get())).isPresent()) {
            return;
        }
        store(token.get(), BOOTSTRAP_NAME, EnumSet.allOf(Scope.class), null, null, null);
        LOG.infof(
                "created the admin key '%s' from the configuration (prefix %s)",
                BOOTSTRAP_NAME, KeyTokens.visiblePrefix(token.get()));
    }

    @Transactional
    public CreatedKey create(
            String name, Set<Scope> scopes, Instant expiresAt, Double requestsPerSecond, Long tokensPerMinute) {
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw new IllegalArgumentException("expiresAt " + expiresAt + " is not in the future");
        }
        String token = KeyTokens.generate();
        return new CreatedKey(token, store(token, name, scopes, expiresAt, requestsPerSecond, tokensPerMinute));
    }

    private ApiKey store(
            String token,
            String name,
            Set<Scope> scopes,
            Instant expiresAt,
            Double requestsPerSecond,
            Long tokensPerMinute) {
        ApiKey key = new ApiKey();
        key.name = name;
        key.prefix = KeyTokens.visiblePrefix(token);
        key.keyHash = KeyTokens.hash(token);
        key.scopeSet(scopes);
        key.createdAt = clock.instant();
        key.expiresAt = expiresAt;
        key.requestsPerSecond = requestsPerSecond;
        key.tokensPerMinute = tokensPerMinute;
        keys.persist(key);
        return key;
    }

    @Transactional
    public List<ApiKey> list() {
        return keys.listNewestFirst();
    }

    /**
     * Revokes the key; revoking a revoked key keeps its first revocation time. Committed, and forgotten by this
     * replica, before it returns: the next request with the key fails.
     */
    public Optional<ApiKey> revoke(long id) {
        Optional<ApiKey> key = QuarkusTransaction.requiringNew().call(() -> {
            Optional<ApiKey> found = keys.findByIdOptional(id);
            found.filter(k -> k.revokedAt == null).ifPresent(k -> k.revokedAt = clock.instant());
            return found;
        });
        forget(id);
        return key;
    }

    private synchronized void forget(long id) {
        revocations++;
        verified.values().removeIf(entry -> entry.grant().id() == id);
    }

    private synchronized long revocations() {
        return revocations;
    }

    private synchronized void remember(String hash, Verified entry, long revocationsBeforeLookup) {
        if (revocations == revocationsBeforeLookup) {
            verified.put(hash, entry);
        }
    }

    private void recordUse(long id, Instant now) {
        Instant recorded = lastRecordedUse.get(id);
        if (recorded == null || recorded.isBefore(now.minus(LAST_USED_RESOLUTION))) {
            lastRecordedUse.put(id, now);
            keys.touch(id, now, now.minus(LAST_USED_RESOLUTION));
        }
    }

    /**
     * The grant of a key verified within the time-to-live, if it is still unexpired and no write of its last use is
     * due; empty otherwise (then {@link #authenticate} decides). Never blocks: it may run on the event loop.
     */
    public Optional<KeyGrant> authenticateFromCache(String token) {
        if (!KeyTokens.wellFormed(token)) {
            return Optional.empty();
        }
        String hash = KeyTokens.hash(token);
        Verified entry = verified.get(hash);
        if (entry == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        boolean fresh = now.isBefore(entry.verifiedAt().plus(config.keyCacheTtl()));
        boolean unexpired = entry.expiresAt() == null || now.isBefore(entry.expiresAt());
        if (!fresh || !unexpired) {
            verified.remove(hash, entry);
            return Optional.empty();
        }
        Instant recorded = lastRecordedUse.get(entry.grant().id());
        if (recorded == null || recorded.isBefore(now.minus(LAST_USED_RESOLUTION))) {
            return Optional.empty();
        }
        return Optional.of(entry.grant());
    }

    /**
     * The grant of a well-formed, known, unrevoked and unexpired key, read from the database (and remembered);
     * empty for anything else. Blocking.
     */
    public Optional<KeyGrant> authenticate(String token) {
        if (!KeyTokens.wellFormed(token)) {
            return Optional.empty();
        }
        String hash = KeyTokens.hash(token);
        long revocationsBefore = revocations();
        Instant now = clock.instant();
        Optional<ApiKey> key = QuarkusTransaction.requiringNew().call(() -> {
            Optional<ApiKey> found = keys.findByHash(hash).filter(k -> k.usableAt(now));
            found.ifPresent(k -> recordUse(k.id, now));
            return found;
        });
        if (key.isEmpty()) {
            verified.remove(hash);
            return Optional.empty();
        }
        ApiKey found = key.get();
        KeyGrant grant =
                new KeyGrant(found.id, found.name, found.scopeSet(), found.requestsPerSecond, found.tokensPerMinute);
        if (!config.keyCacheTtl().isZero() && !config.keyCacheTtl().isNegative()) {
            remember(hash, new Verified(grant, found.expiresAt, now), revocationsBefore);
        }
        return Optional.of(grant);
    }
}
