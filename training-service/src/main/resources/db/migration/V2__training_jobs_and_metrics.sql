-- Training jobs (the shared queue every replica claims from), the models they may start from, and each job's
-- per-step metrics. Panache entities allocate ids from <table>_seq in blocks of 50; jobs use their own UUID ids.

create table training_job (
    id                  varchar(64) primary key,
    dataset             varchar(200) not null,
    dataset_version     integer      not null,
    recipe              varchar(20)  not null,
    -- The model the result is registered under, and the version training starts from (the DPO reference).
    model               varchar(200) not null,
    base_model_version  integer,
    -- The base model's files (an ArtifactRef as JSON: prefix URI and every file's sha256), when known at submission.
    base_model          jsonb,
    -- The dataset version's files with their sha256 (train, eval, manifest ObjectRefs as JSON).
    dataset_files       jsonb        not null,
    lineage             jsonb        not null,
    hyperparameters     jsonb        not null,
    state               varchar(20)  not null,
    origin              varchar(20)  not null,
    lease_owner         varchar(200),
    lease_expires_at    timestamp with time zone,
    heartbeat_at        timestamp with time zone,
    attempts            integer      not null default 0,
    step                bigint       not null default 0,
    max_steps           bigint       not null default 0,
    last_loss           double precision,
    error               varchar(4000),
    result              jsonb,
    created_at          timestamp with time zone not null,
    started_at          timestamp with time zone,
    finished_at         timestamp with time zone,
    -- Idempotency of jobs created from tunestream.dataset-versions: one job per dataset version and recipe, ever.
    constraint training_job_dataset_version_recipe_unique unique (dataset, dataset_version, recipe),
    constraint training_job_state_check check (state in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    constraint training_job_recipe_check check (recipe in ('SFT', 'DPO', 'PRETRAIN'))
);

-- The claim query: the oldest claimable job first.
create index training_job_claimable on training_job (created_at, id) where state in ('QUEUED', 'RUNNING');

-- Model versions announced on tunestream.model-versions: where each version's checkpoint is and its files' sha256.
create table known_model_version (
    -- "{model}/{version}"
    id          varchar(220) primary key,
    model       varchar(200) not null,
    version     integer      not null,
    artifact    jsonb        not null,
    production  boolean      not null,
    updated_at  timestamp with time zone not null,
    constraint known_model_version_unique unique (model, version)
);

create sequence training_metric_seq start with 1 increment by 50;

create table training_metric (
    id             bigint primary key,
    job_id         varchar(64) not null references training_job (id) on delete cascade,
    step           bigint not null,
    loss           double precision not null,
    learning_rate  double precision not null,
    metrics        jsonb not null,
    recorded_at    timestamp with time zone not null,
    constraint training_metric_step_unique unique (job_id, step)
);
