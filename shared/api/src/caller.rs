//! Who is asking, and what they may do (spec §2).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use oqcloud_model::Job;

use crate::response::ApiError;
use crate::state::AppState;

/// The user a request acts as.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub user_name: String,
    /// Superusers see and abort every job (but remove only their own, as OpenQuake).
    pub is_superuser: bool,
    /// 0 view only, 1 simplified, 2 advanced: level 2 sees hidden outputs and downloads datastores.
    pub level: u8,
    /// Users whose jobs this caller shares (its groups' members, itself included).
    pub valid_users: Vec<String>,
}

impl Caller {
    /// The server's default user, which every request acts as while authentication is off:
    /// a superuser of level 2, as in OpenQuake's PUBLIC mode.
    pub fn default_user(name: &str) -> Caller {
        Caller {
            user_name: name.to_owned(),
            is_superuser: true,
            level: 2,
            valid_users: vec![name.to_owned()],
        }
    }

    /// Whether the caller sees the job in lists and may read it.
    pub fn can_view(&self, job: &Job) -> bool {
        self.is_superuser
            || self.valid_users.contains(&job.user_name)
            || job.status == oqcloud_model::JobStatus::Shared
    }

    /// Whether the caller may abort the job.
    pub fn can_abort(&self, job: &Job) -> bool {
        self.is_superuser || self.valid_users.contains(&job.user_name)
    }

    /// Whether the caller may remove the job: only its owner, superusers included (as OpenQuake).
    pub fn can_remove(&self, job: &Job) -> bool {
        job.user_name == self.user_name
    }

    /// Whether the caller sees hidden outputs (`exposure`, `job`) and downloads datastores.
    pub fn is_advanced(&self) -> bool {
        self.level >= 2
    }

    /// Owners whose jobs the caller lists (None: everybody's).
    pub fn listed_owners(&self) -> Option<Vec<String>> {
        (!self.is_superuser).then(|| self.valid_users.clone())
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(_parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(Caller::default_user(&state.config.default_user))
    }
}
