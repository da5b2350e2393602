-- One schema per domain; each domain's tables follow in their own numbered files.
CREATE SCHEMA IF NOT EXISTS demo_data;
CREATE SCHEMA IF NOT EXISTS l2m;
CREATE SCHEMA IF NOT EXISTS lol;
CREATE SCHEMA IF NOT EXISTS pubg;
CREATE SCHEMA IF NOT EXISTS rocket;
