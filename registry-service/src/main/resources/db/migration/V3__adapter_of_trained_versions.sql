-- The PEFT adapter a training job uploaded next to its merged model. The registry does not copy it (versions are
-- served from the merged checkpoint); it keeps where it is and the sha256 of each file, as the job reported them.
alter table model_version add column adapter_uri varchar(1000);
alter table model_version add column adapter_files jsonb;
