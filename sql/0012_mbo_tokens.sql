-- The receiving mbo as a reader (issue 16): role `mbo`, scoped to one institution within a region.
ALTER TABLE api_tokens ADD COLUMN instelling text;
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_rol_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_rol_check
    CHECK (rol IN ('coordinator', 'coach', 'school', 'overstaptafel', 'mbo', 'admin'));
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_mbo_instelling CHECK (rol <> 'mbo' OR instelling IS NOT NULL);
