//! `page` / `per_page` paging with `result_info`, as the list endpoints answer.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::reply::ApiError;

/// A requested page (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub page: usize,
    pub per_page: usize,
}

impl Page {
    /// Reads `page` (default 1) and `per_page` (default `default_per_page`, at most 1000).
    pub fn from_query(
        query: &HashMap<String, String>,
        default_per_page: usize,
    ) -> Result<Self, ApiError> {
        let number = |key: &str, default: usize, max: usize| -> Result<usize, ApiError> {
            match query.get(key) {
                None => Ok(default),
                Some(text) => text
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        ApiError::validation(format!(
                            "{key} must be a whole number from 1 to {max}"
                        ))
                    }),
            }
        };
        Ok(Page {
            page: number("page", 1, usize::MAX)?,
            per_page: number("per_page", default_per_page, 1000)?,
        })
    }

    /// The items of this page and the matching `result_info`.
    pub fn slice(&self, items: Vec<Value>) -> (Vec<Value>, Value) {
        let total = items.len();
        let start = (self.page - 1).saturating_mul(self.per_page).min(total);
        let page: Vec<Value> = items.into_iter().skip(start).take(self.per_page).collect();
        let info = json!({
            "page": self.page,
            "per_page": self.per_page,
            "count": page.len(),
            "total_count": total,
            "total_pages": total.div_ceil(self.per_page),
        });
        (page, info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pages() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let page = Page::from_query(&query(&[("page", "2"), ("per_page", "2")]), 20).unwrap();
        let (got, info) = page.slice(items.clone());
        assert_eq!(got, vec![json!(2), json!(3)]);
        assert_eq!(info["total_count"], 5);
        assert_eq!(info["total_pages"], 3);
        assert_eq!(info["count"], 2);
        let far = Page {
            page: 9,
            per_page: 2,
        };
        assert!(far.slice(items).0.is_empty());
        assert!(Page::from_query(&query(&[("page", "0")]), 20).is_err());
        assert!(Page::from_query(&query(&[("per_page", "x")]), 20).is_err());
        assert_eq!(
            Page::from_query(&query(&[]), 20).unwrap(),
            Page {
                page: 1,
                per_page: 20
            }
        );
    }
}
