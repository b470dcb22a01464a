//! The only module that knows HTTP: the route table and the actix-web server.

mod public;

use actix_web::web;

use crate::writer::Published;

/// The whole route table, shared by `serve` and the tests.
pub fn configure(published: Published) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(web::Data::new(published))
            .default_service(web::to(public::serve));
    }
}
