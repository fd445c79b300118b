-- The evaluation gate (issue 13): a model's policy may name an evaluation set (a sealed version of a dataset of kind
-- eval) with the sign test's alpha and the largest drop of one family's accuracy that still promotes; every automatic
-- decision keeps the figures it was taken on. Existing models get the defaults and no evaluation set, so they keep the
-- eval-metric rule.
alter table registered_model add column evaluation_dataset varchar(200);
alter table registered_model add column evaluation_version integer;
alter table registered_model add column gate_alpha double precision not null default 0.05;
alter table registered_model add column family_tolerance double precision not null default 0.02;
alter table registered_model add constraint registered_model_evaluation_set_check
    check ((evaluation_dataset is null) = (evaluation_version is null) and (evaluation_version is null or evaluation_version >= 1));
alter table registered_model add constraint registered_model_gate_alpha_check check (gate_alpha > 0 and gate_alpha < 1);
alter table registered_model add constraint registered_model_family_tolerance_check check (family_tolerance >= 0);

-- The automatic policy's decision with its figures (GateDecision): candidate vs parent overall and per family, the
-- discordant counts, the p-value, alpha, margin, tolerance and the checks that failed. Null for imports, manual
-- policies and versions decided before this column existed.
alter table model_version add column gate jsonb;

-- A gate's reason names every family that dropped beyond the tolerance, and a promotion by hand quotes the rejection
-- it overrides: neither has a useful bound, so the reasons are text rather than varchar(1000).
alter table model_version alter column decision_reason type text;
alter table alias_change alter column reason type text;
