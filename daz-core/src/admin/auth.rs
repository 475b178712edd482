//! Bearer-token checking for the admin API, in constant time.

use axum::extract::{Request, State as Extract};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::routes::{State, error};

/// Whether `a` and `b` are equal, taking the same time for any two inputs
/// of the same lengths (a wrong token's first differing byte is not
/// revealed by timing).
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(std::hint::black_box(x ^ y));
    }
    diff == 0
}

/// Lets a request through with the right token: 401 without one (or
/// without the `Bearer` scheme), 403 with a wrong one.
pub(crate) async fn require_token(
    Extract(state): Extract<State>,
    request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    match given {
        None => {
            let mut response = error(
                StatusCode::UNAUTHORIZED,
                "send Authorization: Bearer <token>",
            );
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            response
        }
        // Both trimmed the same way: the configured one when it was read.
        Some(token) if same(token.as_bytes(), state.token().expose().as_bytes()) => {
            next.run(request).await
        }
        Some(_) => error(StatusCode::FORBIDDEN, "wrong token").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abcdefghijklmnop", b"abcdefghijklmnop"));
        assert!(!same(b"abcdefghijklmnop", b"abcdefghijklmnoq"));
        assert!(!same(b"abcdefghijklmnop", b"abcdefghijklmno"));
        assert!(!same(b"", b"a"));
        assert!(same(b"", b""));
    }
}
