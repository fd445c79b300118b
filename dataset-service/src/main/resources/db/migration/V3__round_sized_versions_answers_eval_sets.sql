-- Issue 13, "the loop learns": evaluation sets, several answers per prompt, superseded leftovers, the pipeline's
-- training recipe.

-- Evaluation sets: a dataset of kind 'eval' is versioned directly (POST /datasets/{name}/versions), by no pipeline
-- and with no recipe (it never trains).
alter table dataset drop constraint dataset_kind_check;
alter table dataset add constraint dataset_kind_check check (kind in ('sft', 'preference', 'pretrain', 'eval'));
alter table dataset_version alter column pipeline_id drop not null;
alter table dataset_version alter column recipe drop not null;
create index dataset_version_round on dataset_version (pipeline_id, round);

-- Pipelines: one greedy answer besides sampling.n sampled ones, the training recipe passed on with every version
-- (a JSON object, null = the trainer's defaults), and the fewest pairs that leftovers of a finished round need to be
-- sealed rather than superseded.
alter table pipeline add column include_greedy boolean not null default false;
alter table pipeline add column training text;
alter table pipeline add column min_pairs int not null default 32;

-- Every answer of a generation (a JSON array, the greedy one first when asked for); null in rows written before
-- this version, which had the one answer in text.
alter table generation add column completions text;

-- One outcome per answer of a generation: unique per sample, pipeline, model version and answer index (the
-- completion's position in the generation), so a redelivered generation still adds nothing.
alter table preference_pair add column answer_index int not null default 0;
alter table preference_pair drop constraint pair_sample_version_unique;
alter table preference_pair add constraint pair_sample_version_answer_unique
    unique (pipeline_id, sample_id, model_version, answer_index);

-- Leftovers of a round whose model is no longer production that are too few to seal: kept out of every version
-- (superseded_at set) and counted once, in the manifest of the pipeline's next version (superseded_in_version_id).
alter table preference_pair add column superseded_at timestamptz;
alter table preference_pair add column superseded_in_version_id bigint references dataset_version (id);
drop index pair_unsealed;
create index pair_unsealed on preference_pair (pipeline_id, round)
    where dataset_version_id is null and superseded_at is null;
create index pair_superseded_unreported on preference_pair (pipeline_id)
    where superseded_at is not null and superseded_in_version_id is null;
