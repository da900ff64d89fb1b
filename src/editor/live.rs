//! The live-account session: the API token (in this tab's memory only), the accounts it
//! reaches, the resource lists read for the pickers (cached per account and kind until
//! refreshed), and the deployed settings of the script being composed.
//!
//! The app shares it with every panel; the composition's own state ([`super::Editor`]) does
//! not hold any of it, so none of it is ever saved.

use std::collections::HashMap;
use std::rc::Rc;

use super::resources::{Account, Deployed, Resource, ResourceKind};
use crate::deploy::{Deployment, SecretName, Version};
use crate::model::{Request, Target};

/// The token, printed as `Token(…)` so it never shows in a debug print.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Token(Rc<str>);

impl Token {
    pub fn new(token: &str) -> Token {
        Token(token.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Something read from the API: under way, read, or failed with a message.
#[derive(Clone, Debug, PartialEq)]
pub enum Fetch<T> {
    Loading,
    Ready(T),
    Failed(String),
}

/// Which list: one kind of resource of one account (and R2 jurisdiction).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ListKey {
    pub account_id: String,
    pub kind: ResourceKind,
    pub jurisdiction: String,
}

/// Which script the deployed settings belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptKey {
    pub account_id: String,
    /// Empty for an account Worker.
    pub dispatch_namespace: String,
    pub script_name: String,
}

impl ScriptKey {
    pub fn of(request: &Request) -> ScriptKey {
        ScriptKey {
            account_id: request.account_id.clone(),
            dispatch_namespace: match request.target {
                Target::Dispatch => request.dispatch_namespace.clone(),
                Target::Account => String::new(),
            },
            script_name: request.script_name.clone(),
        }
    }

    /// Whether the request names a whole script (account, script, namespace when WfP) whose
    /// settings can be read (no value that would change the endpoint; an account id that is
    /// still a placeholder names none).
    pub fn is_complete(request: &Request) -> bool {
        !request.account_id.is_empty()
            && !crate::rules::looks_like_placeholder(&request.account_id)
            && !request.script_name.is_empty()
            && (request.target == Target::Account || !request.dispatch_namespace.is_empty())
            && request.endpoint_problem().is_none()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveState {
    pub token: Token,
    /// `None` until the token is verified.
    pub accounts: Option<Fetch<Vec<Account>>>,
    pub lists: HashMap<ListKey, Fetch<Vec<Resource>>>,
    pub deployed: Option<(ScriptKey, Fetch<Deployed>)>,
    /// The script's versions and deployments (account Workers).
    pub history: Option<(ScriptKey, Fetch<History>)>,
    /// The script's secret names.
    pub secrets: Option<(ScriptKey, Fetch<Vec<SecretName>>)>,
}

/// A script's versions and deployments, newest first, read together.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    pub versions: Vec<Version>,
    pub deployments: Vec<Deployment>,
}

impl History {
    /// The deployment serving traffic now.
    pub fn current(&self) -> Option<&Deployment> {
        self.deployments.first()
    }
}

/// The value stored for `request`'s script, if it is the one read.
fn for_script<'a, T>(slot: &'a Option<(ScriptKey, T)>, request: &Request) -> Option<&'a T> {
    slot.as_ref()
        .filter(|(key, _)| *key == ScriptKey::of(request))
        .map(|(_, value)| value)
}

impl LiveState {
    /// The deployed settings of the script `request` names, when read.
    pub fn deployed_for(&self, request: &Request) -> Option<&Fetch<Deployed>> {
        self.deployed
            .as_ref()
            .filter(|(key, _)| *key == ScriptKey::of(request))
            .map(|(_, fetch)| fetch)
    }

    /// The versions and deployments of the script `request` names, when read.
    pub fn history_for(&self, request: &Request) -> Option<&Fetch<History>> {
        for_script(&self.history, request)
    }

    /// The secret names of the script `request` names, when read.
    pub fn secrets_for(&self, request: &Request) -> Option<&Fetch<Vec<SecretName>>> {
        for_script(&self.secrets, request)
    }

    /// The one account the token reaches, once listed (a token reaching several, or none,
    /// gives `None`: the user chooses).
    pub fn only_account(&self) -> Option<&str> {
        match &self.accounts {
            Some(Fetch::Ready(accounts)) if accounts.len() == 1 => Some(&accounts[0].id),
            _ => None,
        }
    }

    /// The account id to fill into a request whose account id is `current`: the only account
    /// the token reaches, while `current` is empty or a placeholder (never over a real id).
    pub fn account_to_fill(&self, current: &str) -> Option<&str> {
        let current = current.trim();
        let open = current.is_empty() || crate::rules::looks_like_placeholder(current);
        self.only_account().filter(|id| open && *id != current)
    }

    /// The current settings of the script `request` names, when it exists and was read.
    pub fn current_for(&self, request: &Request) -> Option<&crate::diff::CurrentSettings> {
        match self.deployed_for(request) {
            Some(Fetch::Ready(Deployed::Found(current))) => Some(current.as_ref()),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum LiveAction {
    /// A new token forgets everything read with the old one.
    SetToken(String),
    Accounts(Fetch<Vec<Account>>),
    List(ListKey, Fetch<Vec<Resource>>),
    /// A resource just created: added to its cached list.
    Created(ListKey, Resource),
    Deployed(ScriptKey, Fetch<Deployed>),
    History(ScriptKey, Fetch<History>),
    Secrets(ScriptKey, Fetch<Vec<SecretName>>),
    /// An answer to a request made with `token`: applied only while that token is still the
    /// one entered (an answer read with an old token is dropped).
    Answered(Token, Box<LiveAction>),
}

impl LiveState {
    /// The state after `action`: the same `Rc` when nothing changed.
    pub fn apply(self: Rc<Self>, action: LiveAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            LiveAction::SetToken(token) => {
                if token.as_str() == self.token.as_str() {
                    return self;
                }
                next = LiveState {
                    token: Token(token.into()),
                    ..LiveState::default()
                };
            }
            LiveAction::Accounts(fetch) => next.accounts = Some(fetch),
            LiveAction::List(key, fetch) => {
                next.lists.insert(key, fetch);
            }
            LiveAction::Created(key, resource) => {
                if let Some(Fetch::Ready(items)) = next.lists.get_mut(&key) {
                    items.retain(|r| r.value != resource.value);
                    items.push(resource);
                }
            }
            LiveAction::Deployed(key, fetch) => next.deployed = Some((key, fetch)),
            LiveAction::History(key, fetch) => next.history = Some((key, fetch)),
            LiveAction::Secrets(key, fetch) => next.secrets = Some((key, fetch)),
            LiveAction::Answered(token, action) => {
                return if token == self.token {
                    self.apply(*action)
                } else {
                    self
                };
            }
        }
        Rc::new(next)
    }
}
