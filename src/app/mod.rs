//! The composer: a Yew app running in the browser.

pub fn start() {}
