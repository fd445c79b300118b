-- Baseline of the registry database: the schema's starting point, owned by the registry-service alone.
-- Each feature adds its tables as the next version (V2__..., V3__...); applied migrations are never edited.
comment on schema public is 'Tunestream registry-service';
