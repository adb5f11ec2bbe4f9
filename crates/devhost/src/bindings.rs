//! Host bindings for the Spin interfaces in `wit/` (WASI and `wasi:http` come from
//! `wasmtime-wasi` and `wasmtime-wasi-http`).

wasmtime::component::bindgen!({
    path: "wit",
    world: "devhost:host/host",
    imports: {
        // `spin:variables@3.0.0` declares `get` as a WASIp3 `async func`; the host answers it as
        // an ordinary async host function (the component-model-async ABI is not enabled here).
        "spin:variables/variables/[async]get": async | ignore_wit,
        default: async,
    },
    with: {
        "spin:postgres/postgres/connection": crate::pg::PgConnection,
    },
});

pub(crate) use fermyon::spin::variables as variables2;
pub(crate) use spin::postgres::postgres as pg4;
pub(crate) use spin::variables::variables as variables3;
