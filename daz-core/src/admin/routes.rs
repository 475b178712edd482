//! The admin API's routes: JSON in and out, errors as `{"error": "..."}`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State as Extract};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use serde::Serialize;
use serde_json::{Value, json};

use super::Prometheus;
use super::auth::require_token;
use crate::chat::BRIDGE;
use crate::runtime::CONTROL_INBOX;
use crate::{
    ControlRequest, Error, Event, EventBus, Health, ModuleList, Secret, TaskId, TaskList, Topic,
};

/// How long a route waits for the runtime or the CyTube module.
const WAIT: Duration = Duration::from_secs(30);

/// What every route shares.
#[derive(Clone)]
pub(crate) struct State(Arc<Inner>);

struct Inner {
    bus: EventBus,
    token: Secret,
    prometheus: Option<Prometheus>,
}

impl State {
    pub(crate) fn new(bus: EventBus, token: Secret, prometheus: Option<Prometheus>) -> Self {
        Self(Arc::new(Inner {
            bus,
            token,
            prometheus,
        }))
    }

    pub(crate) fn token(&self) -> &Secret {
        &self.0.token
    }

    async fn control<T>(&self, request: ControlRequest) -> Result<T, Response>
    where
        T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    {
        let reply = self
            .0
            .bus
            .request(CONTROL_INBOX, Event::new(request), WAIT)
            .await
            .map_err(|e| refused(&e))?;
        reply
            .payload::<T>()
            .map(|p| p.into_owned())
            .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
    }

    async fn modules(&self) -> Result<ModuleList, Response> {
        self.control(ControlRequest::List).await
    }

    /// Asks the CyTube module (`topic`, a JSON payload) and returns its
    /// answer as JSON.
    async fn cytube(&self, topic: &'static str, payload: Value) -> Result<Value, Response> {
        let event = Event::builder(Topic::from_static(topic)).json(payload);
        let reply = self.0.bus.request(BRIDGE, event, WAIT).await;
        match reply {
            Ok(reply) => reply
                .payload_json()
                .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())),
            Err(Error::UnknownTarget { .. }) => Err(error(
                StatusCode::NOT_FOUND,
                "this bot has no cytube module",
            )),
            Err(e) => Err(refused(&e)),
        }
    }
}

/// `{"error": message}` with `status`.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// A refused or failed request: 409 when the runtime said no, else 503.
fn refused(e: &Error) -> Response {
    match e {
        Error::RequestFailed { message, .. } => error(StatusCode::CONFLICT, message),
        other => error(StatusCode::SERVICE_UNAVAILABLE, &other.to_string()),
    }
}

fn ok<T: Serialize>(value: &T) -> Response {
    Json(value).into_response()
}

/// The most bytes of a request body any route reads (none reads one yet;
/// routes that take JSON get this limit, not axum's 2 MiB).
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// Every route: `/health/live` open, the rest behind the token.
pub(crate) fn router(state: State) -> Router {
    let guarded = Router::new()
        .route("/health/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/modules", get(modules))
        .route("/modules/{name}", get(module))
        .route("/modules/{name}/{action}", post(control))
        .route("/scheduler/tasks", get(tasks))
        .route("/scheduler/tasks/{id}/{action}", post(task))
        .route("/rooms", get(rooms))
        .route("/rooms/{room}/users", get(users))
        .route("/rooms/{room}/playlist", get(playlist))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route("/health/live", get(live))
        .merge(guarded)
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such route") })
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

async fn live() -> Response {
    ok(&json!({ "status": "live" }))
}

/// Ready: every enabled module running and healthy (the CyTube module is
/// degraded while a room is not joined).
async fn ready(Extract(state): Extract<State>) -> Response {
    let list = match state.modules().await {
        Ok(list) => list,
        Err(response) => return response,
    };
    let reasons: Vec<String> = list
        .health()
        .modules
        .iter()
        .filter_map(|(name, health)| match health {
            Health::Healthy => None,
            Health::Degraded(why) | Health::Unhealthy(why) => Some(format!("{name}: {why}")),
        })
        .collect();
    if reasons.is_empty() {
        ok(&json!({ "ready": true, "reasons": [] }))
    } else {
        let body = json!({ "ready": false, "reasons": reasons });
        (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
    }
}

/// The bus's own totals, copied into the recorder as the page is made
/// (the bus counts them anyway; nothing is recorded per event).
fn bus_totals(bus: &EventBus) {
    let stats = bus.stats();
    for (name, value) in [
        ("daz_bus_published_total", stats.published),
        ("daz_bus_delivered_total", stats.delivered),
        ("daz_bus_dropped_total", stats.dropped),
        ("daz_bus_unrouted_total", stats.unrouted),
        ("daz_bus_sent_total", stats.sent),
        ("daz_bus_requests_total", stats.requests),
        ("daz_bus_request_timeouts_total", stats.timeouts),
    ] {
        metrics::counter!(name).absolute(value);
    }
}

async fn metrics(Extract(state): Extract<State>) -> Response {
    match &state.0.prometheus {
        Some(prometheus) => ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], {
            bus_totals(&state.0.bus);
            prometheus.render()
        })
            .into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            "no metrics recorder: give AdminHttp::metrics a Prometheus",
        ),
    }
}

async fn modules(Extract(state): Extract<State>) -> Response {
    match state.modules().await {
        Ok(list) => ok(&list),
        Err(response) => response,
    }
}

async fn module(Extract(state): Extract<State>, Path(name): Path<String>) -> Response {
    match state.modules().await {
        Ok(list) => match list.get(&name) {
            Some(status) => ok(status),
            None => error(StatusCode::NOT_FOUND, &format!("no module {name:?}")),
        },
        Err(response) => response,
    }
}

async fn control(
    Extract(state): Extract<State>,
    Path((name, action)): Path<(String, String)>,
) -> Response {
    let request = match action.as_str() {
        "enable" => ControlRequest::Enable {
            module: name.clone(),
        },
        "disable" => ControlRequest::Disable {
            module: name.clone(),
        },
        "restart" => ControlRequest::Restart {
            module: name.clone(),
        },
        _ => return error(StatusCode::NOT_FOUND, "actions: enable, disable, restart"),
    };
    if name == super::ADMIN && action != "enable" {
        // The answer would never arrive: the server stops with the module.
        return error(
            StatusCode::CONFLICT,
            "the admin API cannot stop itself; use the bot's own controls",
        );
    }
    match state.modules().await {
        Ok(list) if list.get(&name).is_none() => {
            return error(StatusCode::NOT_FOUND, &format!("no module {name:?}"));
        }
        Ok(_) => {}
        Err(response) => return response,
    }
    match state.control::<ModuleList>(request).await {
        Ok(list) => ok(&list),
        Err(response) => response,
    }
}

async fn tasks(Extract(state): Extract<State>) -> Response {
    match state
        .control::<TaskList>(ControlRequest::Tasks { module: None })
        .await
    {
        Ok(list) => ok(&list),
        Err(response) => response,
    }
}

async fn task(
    Extract(state): Extract<State>,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return error(StatusCode::NOT_FOUND, &format!("no task {id:?}"));
    };
    let task = TaskId(id);
    let request = match action.as_str() {
        "pause" => ControlRequest::PauseTask { task },
        "resume" => ControlRequest::ResumeTask { task },
        _ => return error(StatusCode::NOT_FOUND, "actions: pause, resume"),
    };
    match state
        .control::<TaskList>(ControlRequest::Tasks { module: None })
        .await
    {
        Ok(list) if !list.tasks.iter().any(|t| t.id == task) => {
            return error(StatusCode::NOT_FOUND, &format!("no task {id}"));
        }
        Ok(_) => {}
        Err(response) => return response,
    }
    match state.control::<TaskList>(request).await {
        Ok(list) => ok(&list),
        Err(response) => response,
    }
}

async fn rooms(Extract(state): Extract<State>) -> Response {
    match state.cytube("cytube.query.rooms", json!({})).await {
        Ok(rooms) => ok(&rooms),
        Err(response) => response,
    }
}

/// One room's snapshot, or 404 for a room the bot does not keep.
async fn snapshot(state: &State, room: &str) -> Result<Value, Response> {
    let rooms = state.cytube("cytube.query.rooms", json!({})).await?;
    let known = rooms["rooms"]
        .as_array()
        .is_some_and(|list| list.iter().any(|r| r["room"] == room));
    if !known {
        return Err(error(StatusCode::NOT_FOUND, &format!("no room {room:?}")));
    }
    state
        .cytube("cytube.query.state", json!({ "room": room }))
        .await
}

async fn users(Extract(state): Extract<State>, Path(room): Path<String>) -> Response {
    match snapshot(&state, &room).await {
        Ok(snap) => ok(&json!({ "room": room, "users": snap["users"] })),
        Err(response) => response,
    }
}

async fn playlist(Extract(state): Extract<State>, Path(room): Path<String>) -> Response {
    match snapshot(&state, &room).await {
        Ok(snap) => ok(&json!({
            "room": room,
            "now_playing": snap["now_playing"],
            "playlist": snap["playlist"],
        })),
        Err(response) => response,
    }
}
