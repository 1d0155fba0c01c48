//! Offices, roles, users and sessions.

use super::{Db, now_ms};
use anyhow::Context;
use sqlx::Row;
use veld_domain::api::{Me, Named, RoleUpdate, RoleView, UserRow, UserSummary};
use veld_domain::{Actor, Email, Language, Modules, OfficeId, Permissions, RoleId, UserId};

/// What login needs to know about a user.
pub struct UserAuth {
    pub id: UserId,
    pub password_hash: String,
    pub disabled: bool,
}

pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub language: Language,
    pub office: OfficeId,
    pub role: RoleId,
    pub password_hash: String,
}

/// Veld's own user, office and role (migration 0004): owner of the configuration records.
pub const SYSTEM_ID: &str = "00000000-0000-0000-0000-000000000000";

fn parse_id<T: std::str::FromStr<Err = uuid::Error>>(s: &str, what: &str) -> anyhow::Result<T> {
    s.parse().with_context(|| format!("stored {what} id `{s}` is not a UUID"))
}

impl Db {
    pub async fn count_users(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) FROM users WHERE id <> $1")
            .bind(SYSTEM_ID)
            .fetch_one(self.pool())
            .await?
            .try_get(0)
    }

    pub async fn ensure_office(&self, name: &str) -> anyhow::Result<(OfficeId, bool)> {
        if let Some(row) =
            sqlx::query("SELECT id FROM offices WHERE name = $1").bind(name).fetch_optional(self.pool()).await?
        {
            return Ok((parse_id(&row.try_get::<String, _>(0)?, "office")?, false));
        }
        let id = OfficeId::new();
        sqlx::query("INSERT INTO offices (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(name)
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok((id, true))
    }

    /// Inserts the role unless one of that name exists; returns its id either way.
    pub async fn ensure_role(&self, name: &str, permissions: &Permissions) -> anyhow::Result<RoleId> {
        if let Some(id) = self.role_id(name).await? {
            return Ok(id);
        }
        let id = RoleId::new();
        sqlx::query("INSERT INTO roles (id, name, permissions, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id.to_string())
            .bind(name)
            .bind(serde_json::to_string(permissions)?)
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(id)
    }

    pub async fn role_id(&self, name: &str) -> anyhow::Result<Option<RoleId>> {
        let row = sqlx::query("SELECT id FROM roles WHERE LOWER(name) = LOWER($1)")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| parse_id(&r.try_get::<String, _>(0)?, "role")).transpose()
    }

    pub async fn role_names(&self) -> anyhow::Result<Vec<String>> {
        let rows = sqlx::query("SELECT name FROM roles WHERE id <> $1 ORDER BY name")
            .bind(SYSTEM_ID)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Inserts a user; `Ok(None)` when the e-mail address is taken.
    pub async fn insert_user(&self, user: &NewUser) -> anyhow::Result<Option<UserId>> {
        if self.user_auth(&user.email).await?.is_some() {
            return Ok(None);
        }
        let id = UserId::new();
        sqlx::query(
            "INSERT INTO users (id, email, name, language, office_id, role_id, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.to_string())
        .bind(user.email.as_str())
        .bind(&user.name)
        .bind(user.language.code())
        .bind(user.office.to_string())
        .bind(user.role.to_string())
        .bind(&user.password_hash)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(Some(id))
    }

    pub async fn set_password_hash(&self, email: &Email, hash: &str) -> anyhow::Result<bool> {
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE email = $2")
            .bind(hash)
            .bind(email.as_str())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn user_auth(&self, email: &Email) -> anyhow::Result<Option<UserAuth>> {
        let row = sqlx::query("SELECT id, password_hash, disabled_at FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            Ok(UserAuth {
                id: parse_id(&r.try_get::<String, _>(0)?, "user")?,
                password_hash: r.try_get(1)?,
                disabled: r.try_get::<Option<i64>, _>(2)?.is_some(),
            })
        })
        .transpose()
    }

    pub async fn set_language(&self, user: UserId, language: Language) -> anyhow::Result<()> {
        sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
            .bind(language.code())
            .bind(user.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The logged-in identity: user, office, role and the role's permissions.
    pub async fn me(&self, user: UserId, modules: Modules) -> anyhow::Result<Option<(Me, Actor)>> {
        let row = sqlx::query(
            "SELECT u.name, u.email, u.language, o.id, o.name, r.id, r.name, r.permissions \
             FROM users u JOIN offices o ON o.id = u.office_id JOIN roles r ON r.id = u.role_id \
             WHERE u.id = $1 AND u.disabled_at IS NULL",
        )
        .bind(user.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| identity(&r, user, modules)).transpose()
    }

    /// The user of a live session with their identity, and when the session expires: one
    /// query for every authenticated request.
    pub async fn session_me(&self, token_hash: &str, modules: Modules) -> anyhow::Result<Option<(Me, Actor, i64)>> {
        let row = sqlx::query(
            "SELECT u.name, u.email, u.language, o.id, o.name, r.id, r.name, r.permissions, u.id, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN offices o ON o.id = u.office_id \
             JOIN roles r ON r.id = u.role_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let user = parse_id(&r.try_get::<String, _>(8)?, "user")?;
        let (me, actor) = identity(&r, user, modules)?;
        Ok(Some((me, actor, r.try_get(9)?)))
    }
}

/// A user's identity from a row of name, e-mail, language, office id and name, role id, name and
/// permissions (in that order).
fn identity(r: &sqlx::any::AnyRow, user: UserId, modules: Modules) -> anyhow::Result<(Me, Actor)> {
    let permissions: Permissions =
        serde_json::from_str(&r.try_get::<String, _>(7)?).context("stored role permissions are not valid")?;
    let office: OfficeId = parse_id(&r.try_get::<String, _>(3)?, "office")?;
    let me = Me {
        user: UserSummary {
            id: user,
            name: r.try_get(0)?,
            email: r.try_get(1)?,
            language: r.try_get::<String, _>(2)?.parse().unwrap_or_default(),
        },
        office: Named { id: office, name: r.try_get(4)? },
        role: Named { id: parse_id(&r.try_get::<String, _>(5)?, "role")?, name: r.try_get(6)? },
        // What the role allows within the modules that are on (the deployment's and the
        // role's): every check — pull, push, API — goes through these.
        permissions: permissions.within(modules),
        modules: permissions.modules_within(modules),
    };
    let permissions = me.permissions.clone();
    Ok((me, Actor { user, office, permissions }))
}

impl Db {
    /// Every role but Veld's own, with how many users hold it.
    pub async fn list_roles(&self) -> anyhow::Result<Vec<RoleView>> {
        let rows = sqlx::query(
            "SELECT r.id, r.name, r.permissions, (SELECT COUNT(*) FROM users u WHERE u.role_id = r.id) \
             FROM roles r WHERE r.id <> $1 ORDER BY r.name",
        )
        .bind(SYSTEM_ID)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RoleView {
                    id: parse_id(&r.try_get::<String, _>(0)?, "role")?,
                    name: r.try_get(1)?,
                    permissions: serde_json::from_str(&r.try_get::<String, _>(2)?)
                        .context("stored role permissions are not valid")?,
                    users: r.try_get::<i64, _>(3)?.try_into().unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    /// Renames a role and sets its permissions. `Ok(false)`: there is no such role; a name
    /// another role has is refused by the database (unique).
    pub async fn update_role(&self, id: RoleId, update: &RoleUpdate) -> anyhow::Result<bool> {
        let done = sqlx::query("UPDATE roles SET name = $1, permissions = $2 WHERE id = $3 AND id <> $4")
            .bind(update.name.trim())
            .bind(serde_json::to_string(&update.permissions)?)
            .bind(id.to_string())
            .bind(SYSTEM_ID)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn list_users(&self) -> anyhow::Result<Vec<UserRow>> {
        let rows = sqlx::query(
            "SELECT u.id, u.name, u.email, u.language, o.name, r.name, u.disabled_at, o.id \
             FROM users u JOIN offices o ON o.id = u.office_id JOIN roles r ON r.id = u.role_id \
             WHERE u.id <> $1 ORDER BY u.name",
        )
        .bind(SYSTEM_ID)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(UserRow {
                    id: parse_id(&r.try_get::<String, _>(0)?, "user")?,
                    name: r.try_get(1)?,
                    email: r.try_get(2)?,
                    language: r.try_get::<String, _>(3)?.parse().unwrap_or_default(),
                    office: r.try_get(4)?,
                    office_id: parse_id(&r.try_get::<String, _>(7)?, "office")?,
                    role: r.try_get(5)?,
                    active: r.try_get::<Option<i64>, _>(6)?.is_none(),
                })
            })
            .collect()
    }

    pub async fn insert_session(&self, token_hash: &str, user: UserId, ttl_ms: i64) -> anyhow::Result<()> {
        let now = now_ms();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user.to_string())
            .bind(now)
            .bind(now + ttl_ms)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The user a live session belongs to, with its expiry.
    pub async fn extend_session(&self, token_hash: &str, expires_at: i64) -> anyhow::Result<()> {
        sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
            .bind(expires_at)
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(self.pool()).await?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self) -> anyhow::Result<u64> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms()).execute(self.pool()).await?;
        Ok(done.rows_affected())
    }
}
