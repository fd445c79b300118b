package io.tunestream.gateway;

import io.quarkus.hibernate.orm.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** An API key as stored: its hash, never the key. */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntity {

    @Column(nullable = false)
    public String name;

    /** The first characters of the key, to tell keys apart in a listing. */
    @Column(nullable = false)
    public String prefix;

    /** SHA-256 of the whole key, hex. */
    @Column(name = "key_hash", nullable = false, unique = true)
    public String keyHash;

    /** Scope names, comma-separated. */
    @Column(nullable = false)
    public String scopes;

    /** This key's own request rate, or null for the configured default. */
    @Column(name = "requests_per_second")
    public Double requestsPerSecond;

    /** This key's own generated-token budget per minute, or null for the configured default. */
    @Column(name = "tokens_per_minute")
    public Long tokensPerMinute;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public Set<Scope> scopeSet() {
        Set<Scope> set = EnumSet.noneOf(Scope.class);
        Arrays.stream(scopes.split(","))
                .filter(s -> !s.isBlank())
                .map(Scope::parse)
                .forEach(set::add);
        return set;
    }

    public void scopeSet(Set<Scope> values) {
        scopes = values.stream().sorted().map(Scope::role).collect(Collectors.joining(","));
    }

    /** Whether the key may be used at {@code now}: not revoked and not expired. */
    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
