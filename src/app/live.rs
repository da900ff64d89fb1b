//! The live-account session in the page: the core's [`LiveState`] shared with every panel
//! through a Yew context ([`Live`]), and the requests that fill it.

use std::rc::Rc;

use yew::prelude::*;

use super::browser::api;
use crate::editor::live::{Fetch, ListKey, LiveAction, LiveState, ScriptKey};
use crate::model::Request;

impl Reducible for LiveState {
    type Action = LiveAction;

    fn reduce(self: Rc<Self>, action: LiveAction) -> Rc<Self> {
        self.apply(action)
    }
}

/// The session handle every panel reads from context.
pub type Live = UseReducerHandle<LiveState>;

/// Reads the accounts the token reaches.
pub fn load_accounts(live: &Live) {
    let token = live.token.clone();
    let dispatch = live.dispatcher();
    dispatch.dispatch(LiveAction::Accounts(Fetch::Loading));
    wasm_bindgen_futures::spawn_local(async move {
        let fetch = match api::accounts(token.as_str()).await {
            Ok(accounts) => Fetch::Ready(accounts),
            Err(e) => Fetch::Failed(e),
        };
        dispatch.dispatch(LiveAction::Answered(
            token,
            Box::new(LiveAction::Accounts(fetch)),
        ));
    });
}

/// Reads (or reads again) every page of one resource list.
pub fn load_list(live: &Live, key: ListKey) {
    let token = live.token.clone();
    let dispatch = live.dispatcher();
    dispatch.dispatch(LiveAction::List(key.clone(), Fetch::Loading));
    wasm_bindgen_futures::spawn_local(async move {
        let jurisdiction = (!key.jurisdiction.is_empty()).then_some(key.jurisdiction.as_str());
        let fetch =
            match api::list_all(key.kind, &key.account_id, token.as_str(), jurisdiction).await {
                Ok(items) => Fetch::Ready(items),
                Err(e) => Fetch::Failed(e),
            };
        dispatch.dispatch(LiveAction::Answered(
            token,
            Box::new(LiveAction::List(key, fetch)),
        ));
    });
}

/// Reads the deployed settings of the script `request` names (to compare with, or to start
/// from: see [`crate::editor::Action::StartFromDeployed`]).
pub fn fetch_deployed(live: &Live, request: &Request) {
    let token = live.token.clone();
    let dispatch = live.dispatcher();
    let key = ScriptKey::of(request);
    let request = request.clone();
    dispatch.dispatch(LiveAction::Deployed(key.clone(), Fetch::Loading));
    wasm_bindgen_futures::spawn_local(async move {
        let deployed = api::deployed(&request, token.as_str()).await;
        let answer = LiveAction::Deployed(key, Fetch::Ready(deployed));
        dispatch.dispatch(LiveAction::Answered(token, Box::new(answer)));
    });
}

/// Reads the versions and deployments (account Workers) and the secret names of the script
/// `request` names.
pub fn fetch_history(live: &Live, request: &Request) {
    let token = live.token.clone();
    let dispatch = live.dispatcher();
    let key = ScriptKey::of(request);
    let request = request.clone();
    let with_history = crate::deploy::versions_unavailable(&request).is_none();
    if with_history {
        dispatch.dispatch(LiveAction::History(key.clone(), Fetch::Loading));
    }
    dispatch.dispatch(LiveAction::Secrets(key.clone(), Fetch::Loading));
    wasm_bindgen_futures::spawn_local(async move {
        if with_history {
            let fetch = match api::history(&request, token.as_str()).await {
                Ok(history) => Fetch::Ready(history),
                Err(e) => Fetch::Failed(e),
            };
            let answer = LiveAction::History(key.clone(), fetch);
            dispatch.dispatch(LiveAction::Answered(token.clone(), Box::new(answer)));
        }
        let fetch = match api::secrets(&request, token.as_str()).await {
            Ok(names) => Fetch::Ready(names),
            Err(e) => Fetch::Failed(e),
        };
        let answer = LiveAction::Secrets(key, fetch);
        dispatch.dispatch(LiveAction::Answered(token, Box::new(answer)));
    });
}
