//! Rules over a composition: findings with a level, a location and a fix.
