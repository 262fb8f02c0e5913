-- Grafana's database role: read-only, the dashboard's tables and columns only, never a key.
-- Run by the grafana-role service of docker-compose.yml once the API has created the tables:
--   psql -v ON_ERROR_STOP=1 -v grafana_password=... -f grafana-role.sql
-- Idempotent: each start sets the password from .env again and grants the same columns.
SELECT format('CREATE ROLE simiot_grafana LOGIN PASSWORD %L', :'grafana_password')
    WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'simiot_grafana') \gexec
ALTER ROLE simiot_grafana LOGIN PASSWORD :'grafana_password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
ALTER ROLE simiot_grafana SET default_transaction_read_only = on;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM simiot_grafana;
GRANT USAGE ON SCHEMA public TO simiot_grafana;
GRANT SELECT ON telemetry, telemetry_minute, telemetry_hour, commands TO simiot_grafana;
-- modems holds the master keys: only the columns the dashboard shows.
GRANT SELECT (modem_id, nickname, protocol, carrier, last_seen, registered_at, deleted_at) ON modems TO simiot_grafana;
