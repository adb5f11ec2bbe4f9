//! `spin:postgres/postgres@4.0.0` on the application's pools.
//!
//! `open` checks `allowed_outbound_hosts` exactly as Spin does (every host of the connection
//! string, literal match, refusal as `connection-failed("address postgres://… is not
//! permitted")`), then checks a connection out of the pool for that address. Statements are
//! prepared and executed with typed parameters (no statement cache), like Spin.

// The error type is the WIT `error` variant; its size is fixed by the interface.
#![allow(clippy::result_large_err)]

mod convert;

use std::sync::atomic::Ordering;

use tokio_postgres::types::ToSql;
use wasmtime::component::Resource;

use crate::bindings::pg4::{self, DbError, Error, ParameterValue, QueryError, RowSet};
use crate::outbound::report_disallowed;
use crate::pool::{CheckoutError, PooledClient};
use crate::state::HostState;

/// The host side of a guest `connection` resource.
#[allow(unreachable_pub)]
pub struct PgConnection {
    client: PooledClient,
}

impl pg4::Host for HostState {}

impl pg4::HostConnection for HostState {
    async fn open(&mut self, address: String) -> Result<Resource<PgConnection>, Error> {
        self.ensure_address_allowed(&address)?;
        let client = self
            .shared
            .pools
            .checkout(&address)
            .await
            .map_err(|e| match e {
                CheckoutError::Config(m) => Error::ConnectionFailed(m),
                other => Error::ConnectionFailed(other.to_string()),
            })?;
        self.stats.checkouts.fetch_add(1, Ordering::Relaxed);
        self.metrics()
            .checkouts
            .with_label_values(&[&self.component.id])
            .inc();
        self.table
            .push(PgConnection { client })
            .map_err(|e| Error::Other(e.to_string()))
    }

    async fn query(
        &mut self,
        connection: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Result<RowSet, Error> {
        self.count_query();
        let params = to_params(&params).map_err(Error::BadParameter)?;
        let conn = self.connection(&connection)?;
        let client = conn
            .client
            .begin()
            .ok_or_else(|| Error::ConnectionFailed("no connection found".into()))?;
        let rows = client.query(&statement, &param_refs(&params)).await;
        conn.client.end();
        let rows = rows.map_err(query_failed)?;
        let Some(first) = rows.first() else {
            return Ok(RowSet {
                columns: vec![],
                rows: vec![],
            });
        };
        let columns = convert::columns(first);
        let rows = rows
            .iter()
            .map(convert::row_values)
            .collect::<anyhow::Result<Vec<_>>>()
            .map_err(|e| Error::QueryFailed(QueryError::Text(format!("{e:?}"))))?;
        Ok(RowSet { columns, rows })
    }

    async fn execute(
        &mut self,
        connection: Resource<PgConnection>,
        statement: String,
        params: Vec<ParameterValue>,
    ) -> Result<u64, Error> {
        self.count_query();
        let params = to_params(&params).map_err(Error::ValueConversionFailed)?;
        let conn = self.connection(&connection)?;
        let client = conn
            .client
            .begin()
            .ok_or_else(|| Error::ConnectionFailed("no connection found".into()))?;
        let result = client.execute(&statement, &param_refs(&params)).await;
        conn.client.end();
        result.map_err(query_failed)
    }

    async fn drop(&mut self, connection: Resource<PgConnection>) -> wasmtime::Result<()> {
        self.table.delete(connection)?;
        Ok(())
    }
}

impl HostState {
    fn ensure_address_allowed(&self, address: &str) -> Result<(), Error> {
        let config: tokio_postgres::Config = address
            .parse()
            .map_err(|e: tokio_postgres::Error| Error::ConnectionFailed(e.to_string()))?;
        let ports = config.get_ports();
        for (i, host) in config.get_hosts().iter().enumerate() {
            match host {
                tokio_postgres::config::Host::Tcp(host) => {
                    let port = ports.get(i).or_else(|| {
                        if ports.len() == 1 {
                            ports.first()
                        } else {
                            None
                        }
                    });
                    let url = match port {
                        Some(p) => format!("{host}:{p}"),
                        None => host.clone(),
                    };
                    let allowed = self
                        .component
                        .allowed
                        .check_url(&url, "postgres")
                        .map_err(|e| Error::Other(e.to_string()))?;
                    if !allowed {
                        report_disallowed(&self.component.id, "postgres", &url);
                        return Err(Error::ConnectionFailed(format!(
                            "address postgres://{url} is not permitted"
                        )));
                    }
                }
                tokio_postgres::config::Host::Unix(_) => {
                    return Err(Error::ConnectionFailed(
                        "Unix sockets are not supported on WebAssembly".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn connection(
        &mut self,
        resource: &Resource<PgConnection>,
    ) -> Result<&mut PgConnection, Error> {
        self.table
            .get_mut(resource)
            .map_err(|_| Error::ConnectionFailed("no connection found".into()))
    }

    fn count_query(&self) {
        self.stats.queries.fetch_add(1, Ordering::Relaxed);
        self.metrics()
            .queries
            .with_label_values(&[&self.component.id])
            .inc();
    }
}

fn to_params(params: &[ParameterValue]) -> Result<Vec<convert::SqlParam>, String> {
    params
        .iter()
        .map(convert::to_sql)
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(|e| format!("{e:?}"))
}

fn param_refs(params: &[convert::SqlParam]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

fn query_failed(e: tokio_postgres::Error) -> Error {
    let as_text = format!("{e:?}");
    Error::QueryFailed(match e.as_db_error() {
        None => QueryError::Text(as_text),
        Some(db) => QueryError::DbError(DbError {
            as_text,
            severity: db.severity().to_owned(),
            code: db.code().code().to_owned(),
            message: db.message().to_owned(),
            detail: db.detail().map(str::to_owned),
            extras: db_extras(db),
        }),
    })
}

fn db_extras(db: &tokio_postgres::error::DbError) -> Vec<(String, String)> {
    let fields: [(&str, Option<String>); 10] = [
        ("column", db.column().map(str::to_owned)),
        ("constraint", db.constraint().map(str::to_owned)),
        ("routine", db.routine().map(str::to_owned)),
        ("hint", db.hint().map(str::to_owned)),
        ("table", db.table().map(str::to_owned)),
        ("datatype", db.datatype().map(str::to_owned)),
        ("schema", db.schema().map(str::to_owned)),
        ("file", db.file().map(str::to_owned)),
        ("line", db.line().map(|l| l.to_string())),
        ("where_", db.where_().map(str::to_owned)),
    ];
    fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect()
}
