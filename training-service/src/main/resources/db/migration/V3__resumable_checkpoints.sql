-- Resume: the last checkpoint a run uploaded (checkpoints/{job}/step-{n}/, an ArtifactRef with every file's sha256),
-- recorded only after its objects are written, and the step the current attempt resumed from (0: from the start).
alter table training_job
    add column checkpoint_step    bigint not null default 0,
    add column checkpoint         jsonb,
    add column resumed_from_step  bigint not null default 0;
