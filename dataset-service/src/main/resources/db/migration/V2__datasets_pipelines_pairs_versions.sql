-- Datasets and their samples, DPO pipelines with their prompts and pairs, and sealed dataset versions.
-- Every table of a PanacheEntity has its sequence (allocation size 50, Hibernate's default).

create table dataset (
    id          bigint primary key,
    name        text        not null unique,
    kind        text        not null check (kind in ('sft', 'preference', 'pretrain')),
    created_at  timestamptz not null
);
create sequence dataset_seq start with 1 increment by 50;

-- One accepted upload: the raw bytes are kept in object storage as received.
create table upload (
    id            bigint primary key,
    upload_id     text        not null unique,
    dataset_id    bigint      not null references dataset (id),
    object_key    text        not null,
    sha256        text        not null,
    size_bytes    bigint      not null,
    record_count  bigint      not null,
    added         bigint      not null,
    duplicates    bigint      not null,
    created_at    timestamptz not null
);
create sequence upload_seq start with 1 increment by 50;

-- A sample as received (record), with what the service derives from it once, at ingestion:
-- the canonical record of the engine's DatasetWriter (what sft/pretrain versions contain and what the content hash is
-- taken over) and, for records that can be a DPO prompt, the prompt messages and the ground-truth answer.
create table sample (
    id               bigint primary key,
    dataset_id       bigint      not null references dataset (id),
    content_hash     text        not null,
    format           text        not null,
    record           json        not null,
    canonical        text        not null,
    prompt_messages  text,
    reference_answer text,
    source           text        not null,
    created_at       timestamptz not null,
    constraint sample_content_unique unique (dataset_id, content_hash)
);
create sequence sample_seq start with 1 increment by 50;

-- The production version of each model, as last announced on tunestream.model-versions.
create table model_production (
    id              bigint primary key,
    model           text        not null unique,
    version         int         not null,
    artifact        text        not null,
    changed_at      timestamptz not null
);
create sequence model_production_seq start with 1 increment by 50;

create table pipeline (
    id                    bigint primary key,
    name                  text        not null unique,
    dataset_id            bigint      not null references dataset (id),
    model                 text        not null,
    recipe                text        not null check (recipe in ('dpo', 'sft', 'pretrain')),
    sampling              text        not null,
    seal_every            int,
    seal_window_seconds   bigint,
    round_cap             int,
    current_round         int         not null,
    current_model_version int,
    round_started_at      timestamptz,
    last_sealed_at        timestamptz,
    created_at            timestamptz not null
);
create sequence pipeline_seq start with 1 increment by 50;

-- One prompt per sample, pipeline and model version: the record that keeps a restart from publishing it again.
create table prompt (
    id                bigint primary key,
    pipeline_id       bigint      not null references pipeline (id),
    sample_id         bigint      not null references sample (id),
    round             int         not null,
    model             text        not null,
    model_version     int         not null,
    prompt_hash       text        not null,
    prompt_text       text        not null,
    created_at        timestamptz not null,
    published_at      timestamptz,
    publish_count     int         not null,
    constraint prompt_sample_version_unique unique (pipeline_id, sample_id, model_version)
);
create sequence prompt_seq start with 1 increment by 50;
create index prompt_hash_version on prompt (prompt_hash, model, model_version);
create index prompt_unpublished on prompt (pipeline_id) where published_at is null;

-- The first generation received for a prompt hash, model and version: its natural key. A redelivered or duplicated
-- generation conflicts here and changes nothing.
create table generation (
    id                bigint primary key,
    prompt_hash       text        not null,
    model             text        not null,
    model_version     int         not null,
    text              text        not null,
    finish_reason     text        not null,
    error             text,
    sampling          text        not null,
    received_at       timestamptz not null,
    constraint generation_natural_key unique (prompt_hash, model, model_version)
);
create sequence generation_seq start with 1 increment by 50;

-- What a generation made of one prompted sample: a preference pair (drop_reason null) or a counted drop.
-- At most one per sample, pipeline and model version, and each belongs to at most one dataset version.
create table preference_pair (
    id                 bigint primary key,
    pipeline_id        bigint      not null references pipeline (id),
    sample_id          bigint      not null references sample (id),
    round              int         not null,
    model_version      int         not null,
    prompt_hash        text        not null,
    chosen             text        not null,
    rejected           text        not null,
    drop_reason        text,
    dataset_version_id bigint,
    created_at         timestamptz not null,
    constraint pair_sample_version_unique unique (pipeline_id, sample_id, model_version)
);
create sequence preference_pair_seq start with 1 increment by 50;
create index pair_unsealed on preference_pair (pipeline_id, round) where dataset_version_id is null;

create table dataset_version (
    id                  bigint primary key,
    dataset_id          bigint      not null references dataset (id),
    pipeline_id         bigint      not null references pipeline (id),
    number              int         not null,
    recipe              text        not null,
    round               int,
    source_model        text,
    source_model_version int,
    train_count         bigint      not null,
    eval_count          bigint      not null,
    train_sha256        text        not null,
    train_size_bytes    bigint      not null,
    eval_sha256         text        not null,
    eval_size_bytes     bigint      not null,
    manifest_sha256     text        not null,
    manifest_size_bytes bigint      not null,
    manifest            text        not null,
    created_at          timestamptz not null,
    published_at        timestamptz,
    constraint dataset_version_number_unique unique (dataset_id, number)
);
create sequence dataset_version_seq start with 1 increment by 50;
alter table preference_pair add constraint pair_dataset_version_fk foreign key (dataset_version_id) references dataset_version (id);

-- The samples an sft or pretrain pipeline has sealed, each into exactly one of its versions.
create table sealed_sample (
    id                 bigint primary key,
    pipeline_id        bigint      not null references pipeline (id),
    sample_id          bigint      not null references sample (id),
    dataset_version_id bigint      not null references dataset_version (id),
    constraint sealed_sample_unique unique (pipeline_id, sample_id)
);
create sequence sealed_sample_seq start with 1 increment by 50;
