package io.tunestream.gateway.service;

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

/** Creates, lists, revokes and checks API keys. A key is read from the database on every request, so a revocation
 * or an expiry takes effect on the next request, on every replica. */
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

    /** Revokes the key; revoking a revoked key keeps its first revocation time. */
    @Transactional
    public Optional<ApiKey> revoke(long id) {
        Optional<ApiKey> key = keys.findByIdOptional(id);
        key.filter(found -> found.revokedAt == null).ifPresent(found -> found.revokedAt = clock.instant());
        return key;
    }

    private void recordUse(long id, Instant now) {
        Instant recorded = lastRecordedUse.get(id);
        if (recorded == null || recorded.isBefore(now.minus(LAST_USED_RESOLUTION))) {
            lastRecordedUse.put(id, now);
            keys.touch(id, now, now.minus(LAST_USED_RESOLUTION));
        }
    }

    /** The grant of a well-formed, known, unrevoked and unexpired key; empty for anything else. */
    @Transactional
    public Optional<KeyGrant> authenticate(String token) {
        if (!KeyTokens.wellFormed(token)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<ApiKey> key = keys.findByHash(KeyTokens.hash(token)).filter(found -> found.usableAt(now));
        key.ifPresent(found -> recordUse(found.id, now));
        return key.map(found ->
                new KeyGrant(found.id, found.name, found.scopeSet(), found.requestsPerSecond, found.tokensPerMinute));
    }
}
