-- The baseline's tables: a key hash per key, and users with the same indexes scim-edge has for the
-- statements the benchmark exercises (unique lower(userName) per team, (team, created, id) for paging).
CREATE TABLE keys (
	id TEXT PRIMARY KEY NOT NULL,
	team_id TEXT NOT NULL,
	secret_hash TEXT NOT NULL
);
CREATE TABLE users (
	id TEXT PRIMARY KEY NOT NULL,
	team_id TEXT NOT NULL,
	user_name TEXT NOT NULL,
	active INTEGER NOT NULL,
	resource TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX users_team_user_name ON users (team_id, lower(user_name));
CREATE INDEX users_team_created ON users (team_id, created_at, id);
