#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod decode;
mod error;
mod handle;
mod params;
mod tx;

pub use error::{DatabaseError, DbError, DriverMessage, ErrorKind, Result};
pub use handle::{DB_URL_VARIABLE, Db};
pub use params::{Param, ToParam};
pub use tx::Tx;

mod bytes;

pub use bytes::Bytes;
