-- Models, their versions (with lineage, metrics and files), the aliases that point at versions, the history of alias
-- moves, and the outbox of model-versions events. Panache entities allocate ids from <table>_seq in blocks of 50.

create sequence registered_model_seq start with 1 increment by 50;
create sequence model_version_seq start with 1 increment by 50;
create sequence model_version_file_seq start with 1 increment by 50;
create sequence model_alias_seq start with 1 increment by 50;
create sequence alias_change_seq start with 1 increment by 50;
create sequence outbox_event_seq start with 1 increment by 50;

create table registered_model (
    id                bigint primary key,
    name              varchar(200) not null,
    promotion_mode    varchar(20)  not null,
    promotion_margin  double precision not null,
    -- The highest version number ever handed out; numbers are never reused, even when a registration fails, so an
    -- object left under models/{model}/{n}/ by a failed attempt can never be mistaken for another version's file.
    last_version      integer      not null,
    created_at        timestamp with time zone not null,
    constraint registered_model_name_unique unique (name),
    constraint registered_model_mode_check check (promotion_mode in ('MANUAL', 'AUTOMATIC'))
);

create table model_version (
    id                   bigint primary key,
    model_id             bigint  not null references registered_model (id) on delete cascade,
    version              integer not null,
    state                varchar(20) not null,
    origin               varchar(20) not null,
    -- Idempotency of registrations from tunestream.trained-models: one version per training job, ever.
    job_id               varchar(200),
    recipe               varchar(20),
    hyperparameters      jsonb,
    dataset              varchar(200),
    dataset_version      integer,
    pipeline             varchar(200),
    source_model         varchar(200),
    source_model_version integer,
    parent_version       integer,
    eval_metric          varchar(200),
    metrics              jsonb not null,
    parent_metrics       jsonb not null,
    decision             varchar(20),
    decision_reason      varchar(1000),
    artifact_uri         varchar(1000) not null,
    source_uri           varchar(1000),
    created_at           timestamp with time zone not null,
    constraint model_version_number_unique unique (model_id, version),
    constraint model_version_job_unique unique (job_id),
    constraint model_version_state_check check (state in ('PENDING', 'READY')),
    constraint model_version_origin_check check (origin in ('IMPORTED', 'TRAINED')),
    constraint model_version_decision_check check (decision in ('PROMOTED', 'REJECTED', 'AWAITING_MANUAL'))
);

create table model_version_file (
    id          bigint primary key,
    version_id  bigint not null references model_version (id) on delete cascade,
    path        varchar(500) not null,
    sha256      char(64) not null,
    size_bytes  bigint not null,
    constraint model_version_file_path_unique unique (version_id, path)
);

create table model_alias (
    id          bigint primary key,
    model_id    bigint not null references registered_model (id) on delete cascade,
    alias       varchar(50) not null,
    version_id  bigint not null references model_version (id),
    updated_at  timestamp with time zone not null,
    constraint model_alias_unique unique (model_id, alias)
);

create table alias_change (
    id                bigint primary key,
    model_id          bigint not null references registered_model (id) on delete cascade,
    alias             varchar(50) not null,
    version           integer not null,
    previous_version  integer,
    action            varchar(20) not null,
    reason            varchar(1000),
    changed_at        timestamp with time zone not null
);

create index alias_change_model_alias on alias_change (model_id, alias, id);

-- Transactional outbox: a model-versions event is written in the transaction of the change it announces and sent by
-- the outbox relay after the commit; published_at is set once the broker acknowledged it.
create table outbox_event (
    id            bigint primary key,
    -- The send order. Not the id: Panache ids come in blocks of 50 per replica, so they do not follow commit order.
    -- Changes of one model hold the model's row lock until commit, so their positions follow their commit order.
    position      bigint generated always as identity,
    event_id      varchar(64) not null,
    topic         varchar(300) not null,
    record_key    varchar(300) not null,
    payload       text not null,
    created_at    timestamp with time zone not null,
    published_at  timestamp with time zone,
    attempts      integer not null default 0,
    last_error    varchar(1000)
);

create index outbox_event_unpublished on outbox_event (position) where published_at is null;
