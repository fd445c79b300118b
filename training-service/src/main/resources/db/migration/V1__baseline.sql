-- Baseline of the training database: the schema's starting point, owned by the training-service alone.
-- Each feature adds its tables as the next version (V2__..., V3__...); applied migrations are never edited.
comment on schema public is 'Tunestream training-service';
