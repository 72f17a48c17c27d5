using Detente.Storage.Sql;

namespace Detente.Storage.Sqlite;

/// <summary>The SQLite schema, as migrations. Never edit a released migration: add the next one.</summary>
internal static class SqliteSchema
{
    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "api roots, collections, grants, objects, statuses, tokens", """
            CREATE TABLE store_meta (
                name TEXT PRIMARY KEY,
                value BLOB NOT NULL
            );
            CREATE TABLE api_roots (
                name TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                description TEXT,
                max_content_length INTEGER NOT NULL
            );
            CREATE TABLE collections (
                collection_key INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                api_root TEXT NOT NULL REFERENCES api_roots (name),
                title TEXT NOT NULL,
                description TEXT,
                alias TEXT,
                media_types TEXT NOT NULL,
                default_marking TEXT NOT NULL,
                last_date_added INTEGER NOT NULL,
                UNIQUE (api_root, alias)
            );
            CREATE TABLE grants (
                collection_key INTEGER NOT NULL REFERENCES collections (collection_key),
                principal TEXT NOT NULL,
                can_read INTEGER NOT NULL,
                can_write INTEGER NOT NULL,
                PRIMARY KEY (collection_key, principal)
            );
            CREATE TABLE objects (
                collection_key INTEGER NOT NULL REFERENCES collections (collection_key),
                date_added INTEGER NOT NULL,
                object_id TEXT NOT NULL,
                type TEXT NOT NULL,
                spec_version TEXT NOT NULL,
                spec_key INTEGER NOT NULL,
                version TEXT NOT NULL,
                version_key TEXT NOT NULL,
                spec_latest INTEGER NOT NULL,
                v_first INTEGER NOT NULL,
                v_last INTEGER NOT NULL,
                json BLOB NOT NULL,
                PRIMARY KEY (collection_key, date_added)
            );
            CREATE UNIQUE INDEX objects_version ON objects (collection_key, object_id, version_key);
            CREATE INDEX objects_latest ON objects (collection_key, date_added) WHERE spec_latest = 1 AND v_last = 1;
            CREATE TABLE statuses (
                id TEXT PRIMARY KEY,
                api_root TEXT NOT NULL,
                principal TEXT NOT NULL,
                request_timestamp INTEGER NOT NULL
            );
            CREATE TABLE status_details (
                status_id TEXT NOT NULL REFERENCES statuses (id),
                idx INTEGER NOT NULL,
                object_id TEXT NOT NULL,
                version TEXT NOT NULL,
                outcome INTEGER NOT NULL,
                message TEXT,
                PRIMARY KEY (status_id, idx)
            );
            CREATE TABLE tokens (
                token_id TEXT PRIMARY KEY,
                principal TEXT NOT NULL,
                role TEXT NOT NULL,
                secret_hash BLOB NOT NULL UNIQUE,
                created INTEGER NOT NULL,
                expires INTEGER,
                revoked INTEGER
            );
            """),
        new(2, "statuses by age; pending status objects", """
            CREATE INDEX statuses_requested ON statuses (request_timestamp);
            CREATE INDEX status_details_pending ON status_details (status_id) WHERE outcome = 0;
            """),
        new(3, "object facts; partners, sharing groups, collection partners", """
            ALTER TABLE objects ADD COLUMN facts BLOB;
            CREATE TABLE partners (
                name TEXT PRIMARY KEY,
                identity TEXT NOT NULL UNIQUE,
                verification_key BLOB NOT NULL,
                url TEXT
            );
            CREATE TABLE sharing_groups (
                name TEXT PRIMARY KEY,
                marking_ref TEXT NOT NULL UNIQUE
            );
            CREATE TABLE sharing_group_members (
                group_name TEXT NOT NULL REFERENCES sharing_groups (name),
                partner TEXT NOT NULL REFERENCES partners (name),
                PRIMARY KEY (group_name, partner)
            );
            CREATE TABLE collection_partners (
                collection_key INTEGER NOT NULL REFERENCES collections (collection_key),
                partner TEXT NOT NULL REFERENCES partners (name),
                PRIMARY KEY (collection_key, partner)
            );
            CREATE TABLE sharing_state (
                id integer PRIMARY KEY CHECK (id = 1),
                version bigint NOT NULL
            );
            INSERT INTO sharing_state (id, version) VALUES (1, 0);
            """),
        new(4, "transparency log: entries, tiles, checkpoint", """
            CREATE TABLE log_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                next_index INTEGER NOT NULL,
                origin TEXT
            );
            INSERT INTO log_state (id, next_index, origin) VALUES (1, 0, NULL);
            CREATE TABLE log_entries (
                leaf_index INTEGER PRIMARY KEY,
                collection_key INTEGER NOT NULL,
                date_added INTEGER NOT NULL,
                action INTEGER NOT NULL,
                entry BLOB NOT NULL,
                salt BLOB NOT NULL
            );
            CREATE INDEX log_entries_version ON log_entries (collection_key, date_added);
            CREATE TABLE log_tiles (
                level INTEGER NOT NULL,
                tile_index INTEGER NOT NULL,
                width INTEGER NOT NULL,
                data BLOB NOT NULL,
                PRIMARY KEY (level, tile_index, width)
            );
            CREATE TABLE log_checkpoint (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                size INTEGER NOT NULL,
                note BLOB NOT NULL
            );
            """),
        new(5, "partner egress rules, redaction paths", """
            CREATE TABLE partner_rules (
                rule_id INTEGER PRIMARY KEY AUTOINCREMENT,
                partner TEXT NOT NULL REFERENCES partners (name),
                allow INTEGER NOT NULL,
                object_types TEXT NOT NULL,
                labels TEXT NOT NULL,
                collections TEXT NOT NULL,
                min_confidence INTEGER,
                max_confidence INTEGER,
                min_age_seconds INTEGER,
                max_age_seconds INTEGER
            );
            CREATE INDEX partner_rules_partner ON partner_rules (partner, rule_id);
            CREATE TABLE redaction_paths (
                path TEXT PRIMARY KEY
            );
            """),
        new(6, "partner keys (several per partner, revocable) and delegated identities", """
            CREATE TABLE partner_keys (
                partner TEXT NOT NULL REFERENCES partners (name),
                public_key BLOB NOT NULL,
                added INTEGER,
                not_after INTEGER,
                revoked INTEGER,
                PRIMARY KEY (partner, public_key)
            );
            INSERT INTO partner_keys (partner, public_key) SELECT name, verification_key FROM partners;
            CREATE TABLE partner_delegations (
                partner TEXT NOT NULL REFERENCES partners (name),
                identity TEXT NOT NULL,
                PRIMARY KEY (partner, identity)
            );
            """),
        new(7, "federation: partner logs, subscriptions, received objects, audit evidence", """
            CREATE TABLE partner_logs (
                partner TEXT PRIMARY KEY REFERENCES partners (name),
                log_key TEXT NOT NULL,
                checkpoint BLOB,
                size INTEGER,
                last_sync INTEGER,
                objects_received INTEGER NOT NULL,
                alarm TEXT
            );
            CREATE TABLE subscriptions (
                partner TEXT NOT NULL REFERENCES partners (name),
                api_root TEXT NOT NULL,
                remote_collection TEXT NOT NULL,
                collection_key INTEGER NOT NULL REFERENCES collections (collection_key),
                cursor TEXT,
                PRIMARY KEY (partner, api_root, remote_collection)
            );
            CREATE TABLE received_objects (
                collection_key INTEGER NOT NULL,
                date_added INTEGER NOT NULL,
                partner TEXT NOT NULL,
                received INTEGER NOT NULL,
                PRIMARY KEY (collection_key, date_added)
            );
            CREATE TABLE audit_evidence (
                id TEXT PRIMARY KEY,
                partner TEXT NOT NULL,
                time INTEGER NOT NULL,
                kind TEXT NOT NULL,
                message TEXT NOT NULL,
                evidence BLOB NOT NULL
            );
            CREATE INDEX audit_evidence_partner ON audit_evidence (partner, time);
            """),
        new(8, "log entries not tied to an object version (PSI sessions)", """
            CREATE TABLE log_entries_v5 (
                leaf_index INTEGER PRIMARY KEY,
                collection_key INTEGER,
                date_added INTEGER,
                action INTEGER NOT NULL,
                entry BLOB NOT NULL,
                salt BLOB NOT NULL,
                record_id TEXT,
                record BLOB,
                CHECK ((collection_key IS NULL) = (date_added IS NULL)
                    AND (collection_key IS NULL) = (record_id IS NOT NULL)
                    AND (record_id IS NULL) = (record IS NULL))
            );
            INSERT INTO log_entries_v5 (leaf_index, collection_key, date_added, action, entry, salt)
                SELECT leaf_index, collection_key, date_added, action, entry, salt FROM log_entries;
            DROP TABLE log_entries;
            ALTER TABLE log_entries_v5 RENAME TO log_entries;
            CREATE INDEX log_entries_version ON log_entries (collection_key, date_added);
            CREATE INDEX log_entries_record ON log_entries (record_id) WHERE record_id IS NOT NULL;
            """),
        new(9, "witnessing: logs this node cosigns, witnesses of this log, checkpoint history, clear entries", """
            CREATE TABLE witnessed_logs (
                origin TEXT PRIMARY KEY,
                verifier_key TEXT NOT NULL,
                size INTEGER NOT NULL,
                root_hash BLOB,
                checkpoint BLOB,
                cosigned INTEGER
            );
            CREATE TABLE log_witnesses (
                name TEXT PRIMARY KEY,
                verifier_key TEXT NOT NULL UNIQUE,
                url TEXT NOT NULL,
                token TEXT,
                known_size INTEGER NOT NULL,
                cosigned_size INTEGER,
                cosignature TEXT,
                cosigned INTEGER
            );
            CREATE TABLE log_checkpoints (
                size INTEGER PRIMARY KEY,
                note BLOB NOT NULL
            );
            INSERT INTO log_checkpoints (size, note) SELECT size, note FROM log_checkpoint;
            ALTER TABLE log_state ADD COLUMN clear_tlp_clear integer NOT NULL DEFAULT 0;
            """),
        new(10, "record entries by kind, newest first (the PSI rate limit after a restart)", """
            CREATE INDEX log_entries_record_recent ON log_entries (action, leaf_index) WHERE record_id IS NOT NULL;
            """),
        new(11, "witness tokens leave the store (moved to a table the node drains into its data folder); the cosignature of each witnessed log", """
            CREATE TABLE log_witness_tokens_to_move (
                name TEXT PRIMARY KEY,
                token TEXT NOT NULL
            );
            INSERT INTO log_witness_tokens_to_move (name, token) SELECT name, token FROM log_witnesses WHERE token IS NOT NULL;
            ALTER TABLE log_witnesses DROP COLUMN token;
            ALTER TABLE witnessed_logs ADD COLUMN cosignature TEXT;
            """),
        new(12, "neutral markings: marking definitions the sharing policy ignores", """
            CREATE TABLE neutral_markings (
                marking_ref TEXT PRIMARY KEY
            );
            """),
        new(13, "redacted versions received by sync, and partners whose redacted versions are refused", """
            CREATE TABLE IF NOT EXISTS received_redacted (
                collection_key INTEGER NOT NULL,
                date_added INTEGER NOT NULL,
                partner TEXT NOT NULL,
                PRIMARY KEY (collection_key, date_added)
            );
            CREATE INDEX IF NOT EXISTS received_redacted_partner ON received_redacted (partner);
            CREATE TABLE IF NOT EXISTS partners_refusing_redacted (
                partner TEXT PRIMARY KEY REFERENCES partners (name)
            );
            """),
        // Without statistics, SQLite chooses between two indexes with the same columns by the order they were created: the
        // partial one, created last, serves the common poll (checked by a row-count test with older versions in the range).
        new(14, "egress class of each version, indexed, so that reads skip versions a reader may never receive; older versions to classify", """
            ALTER TABLE objects ADD COLUMN egress_class INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX objects_class ON objects (collection_key, egress_class, date_added);
            CREATE INDEX objects_latest_class ON objects (collection_key, egress_class, date_added) WHERE spec_latest = 1 AND v_last = 1;
            CREATE TABLE egress_class_pending (
                collection_key INTEGER NOT NULL,
                date_added INTEGER NOT NULL,
                PRIMARY KEY (collection_key, date_added)
            );
            INSERT INTO egress_class_pending (collection_key, date_added) SELECT collection_key, date_added FROM objects;
            """),
    ];
}
