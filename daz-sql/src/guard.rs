//! What a module may run over the bus: one parameterized statement on its
//! own tables, calling only allow-listed functions.
//!
//! The statement is parsed by `sqlparser` in the database's own dialect and
//! the syntax tree is checked: every table it names (in `FROM`, joins,
//! subqueries, CTEs, set operations, `LATERAL`, `IN table`, function
//! arguments) must be one the module owns, every function it calls must be
//! on [`FUNCTIONS`], and a query may change nothing anywhere in the tree.
//! The database enforces the same again (a read-only transaction or
//! connection, a statement timeout), so a gap here is not a hole.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Function, Ident, InTarget, ObjectName, ObjectNamePart, Query, SetExpr, Statement,
    TableFactor, Value, ValueWithSpan, Visit, Visitor,
};
use sqlparser::dialect::{Dialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use crate::database::Backend;

/// What a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `SELECT` / `WITH … SELECT`, answered with rows.
    Query,
    /// `INSERT` / `UPDATE` / `DELETE`, answered with a count.
    Exec,
}

/// The functions a statement may call: aggregates, arithmetic, text,
/// time and JSON helpers common to PostgreSQL and SQLite. Nothing that
/// reads files, sleeps, makes big values, runs a query from a string or
/// changes settings.
pub(crate) const FUNCTIONS: [&str; 41] = [
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "coalesce",
    "nullif",
    "ifnull",
    "greatest",
    "least",
    "abs",
    "round",
    "floor",
    "ceil",
    "lower",
    "upper",
    "length",
    "char_length",
    "trim",
    "ltrim",
    "rtrim",
    "substr",
    "substring",
    "replace",
    "instr",
    "strpos",
    "cast",
    "now",
    "current_timestamp",
    "date",
    "datetime",
    "strftime",
    "date_trunc",
    "extract",
    "row_number",
    "rank",
    "dense_rank",
    "string_agg",
    "group_concat",
    "json_extract",
    "jsonb_extract_path_text",
];

/// Why `sql` from `module` is refused, if it is. `owns` says whether a
/// table (its name as the database folds it) is the module's.
pub(crate) fn refusal(
    module: &str,
    backend: Backend,
    kind: Kind,
    sql: &str,
    owns: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let tables = match tables(backend, kind, sql) {
        Ok(tables) => tables,
        Err(why) => return Some(why),
    };
    tables.into_iter().find(|t| !owns(t)).map(|t| {
        format!("table {t:?} is not module {module:?}'s; a module may use only the tables its migrations created")
    })
}

/// The tables `sql` names, once each, after checking everything but
/// their owner.
///
/// # Errors
///
/// Why the statement is refused.
pub(crate) fn tables(backend: Backend, kind: Kind, sql: &str) -> Result<Vec<String>, String> {
    let dialect: &dyn Dialect = match backend {
        Backend::Postgres => &PostgreSqlDialect {},
        Backend::Sqlite => &SQLiteDialect {},
    };
    let mut statements = Parser::parse_sql(dialect, sql)
        .map_err(|e| format!("the statement does not parse: {e}"))?;
    let statement = match (statements.pop(), statements.is_empty()) {
        (Some(statement), true) => statement,
        (None, _) => return Err("give one statement".to_owned()),
        (Some(_), false) => return Err("one statement per request".to_owned()),
    };
    check_kind(kind, &statement)?;
    let mut walk = Walk {
        backend,
        kind,
        root: std::ptr::from_ref(&statement),
        scopes: Vec::new(),
        tables: Vec::new(),
    };
    if let ControlFlow::Break(why) = statement.visit(&mut walk) {
        return Err(why);
    }
    Ok(walk.tables)
}

/// The statement is of the kind the request asked for.
fn check_kind(kind: Kind, statement: &Statement) -> Result<(), String> {
    let changes = |body: &SetExpr| {
        matches!(
            body,
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_)
        )
    };
    match (kind, statement) {
        (Kind::Query, Statement::Query(q)) if !changes(&q.body) => Ok(()),
        (Kind::Query, _) => {
            Err("sql.query runs SELECT (or WITH … SELECT); use sql.exec to change data".to_owned())
        }
        (Kind::Exec, Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_)) => Ok(()),
        (Kind::Exec, Statement::Query(q)) if changes(&q.body) => Ok(()),
        (Kind::Exec, _) => Err(
            "sql.exec runs INSERT, UPDATE or DELETE; tables change through migrations".to_owned(),
        ),
    }
}

/// The CTEs one `WITH` defines, and how many of them a reference at the
/// current point of the walk can see.
struct Scope {
    query: *const Query,
    names: Vec<String>,
    /// The CTE bodies, to know when the walk is inside one.
    bodies: Vec<*const Query>,
    recursive: bool,
    visible: usize,
}

/// The walk over the syntax tree.
struct Walk {
    backend: Backend,
    kind: Kind,
    root: *const Statement,
    scopes: Vec<Scope>,
    tables: Vec<String>,
}

impl Walk {
    /// `ident` as the database folds it: unquoted names are lower case on
    /// both; SQLite also matches quoted names without case.
    fn fold(&self, ident: &Ident) -> String {
        if ident.quote_style.is_none() || self.backend == Backend::Sqlite {
            ident.value.to_lowercase()
        } else {
            ident.value.clone()
        }
    }

    /// The one part of `name`, folded.
    fn single(&self, name: &ObjectName, what: &str) -> Result<String, String> {
        match name.0.as_slice() {
            [ObjectNamePart::Identifier(ident)] => Ok(self.fold(ident)),
            _ => Err(format!(
                "{what} {name} has a schema or database in its name; name {what}s alone"
            )),
        }
    }

    /// Whether `name` is a CTE this point of the walk can see.
    fn is_cte(&self, name: &str) -> bool {
        self.scopes
            .iter()
            .any(|s| s.names[..s.visible].iter().any(|n| n == name))
    }

    fn function(&self, f: &Function) -> Result<(), String> {
        let name = self.single(&f.name, "function")?;
        if FUNCTIONS.contains(&name.as_str()) {
            Ok(())
        } else {
            Err(format!(
                "the function {name}() is not allowed over the bus; allowed: {}",
                FUNCTIONS.join(", ")
            ))
        }
    }

    /// Set operations and `TABLE x` inside a query body.
    fn body(&self, body: &SetExpr) -> Result<(), String> {
        match body {
            SetExpr::SetOperation { left, right, .. } => {
                self.body(left)?;
                self.body(right)
            }
            SetExpr::Table(_) => {
                Err("TABLE name is not allowed over the bus; write SELECT … FROM name".to_owned())
            }
            SetExpr::Select(select) if select.into.is_some() => {
                Err("SELECT INTO creates a table; tables change through migrations".to_owned())
            }
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_)
                if self.kind == Kind::Query =>
            {
                Err("sql.query may not change data anywhere in the statement".to_owned())
            }
            SetExpr::Merge(_) => Err("MERGE is not allowed over the bus".to_owned()),
            _ => Ok(()),
        }
    }
}

impl Visitor for Walk {
    type Break = String;

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<String> {
        let nested = !std::ptr::eq(statement, self.root);
        match statement {
            Statement::Query(_) => ControlFlow::Continue(()),
            Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_)
                if !(nested && self.kind == Kind::Query) =>
            {
                ControlFlow::Continue(())
            }
            Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => {
                ControlFlow::Break(
                    "sql.query may not change data anywhere in the statement".to_owned(),
                )
            }
            other => ControlFlow::Break(format!(
                "{} is not allowed over the bus",
                other
                    .to_string()
                    .split_whitespace()
                    .next()
                    .unwrap_or("this statement")
            )),
        }
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<String> {
        if let Err(why) = self.body(&query.body) {
            return ControlFlow::Break(why);
        }
        if !query.locks.is_empty() || query.for_clause.is_some() {
            return ControlFlow::Break(
                "row locks (FOR UPDATE …) are not allowed over the bus".to_owned(),
            );
        }
        let ptr = std::ptr::from_ref(query);
        // Inside the body of CTE `i`: it sees the CTEs before it (and
        // itself when recursive).
        if let Some(scope) = self.scopes.last_mut()
            && let Some(i) = scope.bodies.iter().position(|b| std::ptr::eq(*b, ptr))
        {
            scope.visible = i + usize::from(scope.recursive);
        }
        let (names, bodies, recursive) = match &query.with {
            Some(with) => (
                with.cte_tables
                    .iter()
                    .map(|c| self.fold(&c.alias.name))
                    .collect(),
                with.cte_tables
                    .iter()
                    .map(|c| std::ptr::from_ref(&*c.query))
                    .collect(),
                with.recursive,
            ),
            None => (Vec::new(), Vec::new(), false),
        };
        self.scopes.push(Scope {
            query: ptr,
            names,
            bodies,
            recursive,
            visible: 0,
        });
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &Query) -> ControlFlow<String> {
        let ptr = std::ptr::from_ref(query);
        if self
            .scopes
            .last()
            .is_some_and(|s| std::ptr::eq(s.query, ptr))
        {
            self.scopes.pop();
        }
        // The CTE whose body ended is defined for what follows it.
        if let Some(scope) = self.scopes.last_mut()
            && let Some(i) = scope.bodies.iter().position(|b| std::ptr::eq(*b, ptr))
        {
            scope.visible = i + 1;
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<String> {
        let name = match self.single(relation, "table") {
            Ok(name) => name,
            Err(why) => return ControlFlow::Break(why),
        };
        if !self.is_cte(&name) && !self.tables.contains(&name) {
            self.tables.push(name);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<String> {
        match factor {
            TableFactor::Table { args: None, .. }
            | TableFactor::Derived { .. }
            | TableFactor::NestedJoin { .. } => ControlFlow::Continue(()),
            TableFactor::Table { name, .. } => ControlFlow::Break(format!(
                "the table function {name}() is not allowed over the bus"
            )),
            other => ControlFlow::Break(format!(
                "{other} is not allowed over the bus: name tables, or subqueries on them"
            )),
        }
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<String> {
        let checked = match expr {
            Expr::Function(f) => self.function(f),
            Expr::In {
                target:
                    InTarget::Table {
                        args: Some(_),
                        name,
                    },
                ..
            } => Err(format!(
                "the table function {name}() is not allowed over the bus"
            )),
            Expr::In {
                target: InTarget::Unnest(_),
                ..
            } => Err("UNNEST is not allowed over the bus".to_owned()),
            _ => Ok(()),
        };
        match checked {
            Ok(()) => ControlFlow::Continue(()),
            Err(why) => ControlFlow::Break(why),
        }
    }

    fn pre_visit_value(&mut self, value: &ValueWithSpan) -> ControlFlow<String> {
        match value.value {
            Value::Number(..) | Value::Boolean(_) | Value::Null | Value::Placeholder(_) => {
                ControlFlow::Continue(())
            }
            _ => ControlFlow::Break(
                "parameterized statements only: pass values as params ($1, $2…), not quoted literals"
                    .to_owned(),
            ),
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod attacks;
