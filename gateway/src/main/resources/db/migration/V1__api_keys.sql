-- The gateway's API keys. Only the SHA-256 of a key is stored: the key itself is shown once, when it is created.
-- The prefix (the first characters of the key) lets a person tell keys apart in a listing without revealing them.
create table api_key (
    id                      bigint primary key,
    name                    varchar(100) not null,
    prefix                  varchar(16) not null,
    key_hash                char(64) not null unique,
    scopes                  varchar(100) not null,
    requests_per_second     double precision,
    tokens_per_minute       bigint,
    created_at              timestamp with time zone not null,
    last_used_at            timestamp with time zone,
    expires_at              timestamp with time zone,
    revoked_at              timestamp with time zone
);
create sequence api_key_seq start with 1 increment by 50;
