//! `GET /v3/illustration?word&lang` and `POST /v3/illustration {word, language}`: an
//! illustration of a word.
//!
//! One statement reads the cached illustration, or, when there is none, the word's
//! cached definition. On a miss a chat completion describes a scene from that
//! definition (within `ai::Use::Scene`'s budget), an image is generated from the scene
//! (the rest of `ai::Use::Image`'s budget) and a second statement stores both.

use std::time::Instant;

use chrono::NaiveDateTime;
use domain::{LanguageCode, Word};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use spin_sdk::http::{Method, Request, ResponseOutparam};

#[derive(Deserialize)]
struct Lookup {
    scene_description: Option<String>,
    image_data: Option<String>,
    content_type: Option<String>,
    created_at: Option<NaiveDateTime>,
    definition_data: Option<Value>,
}

#[derive(Deserialize)]
struct Created {
    created_at: NaiveDateTime,
}

#[derive(Serialize)]
struct Illustration<'a> {
    word: &'a str,
    language: &'a str,
    scene_description: String,
    image_data: String,
    content_type: String,
    cached: bool,
    created_at: String,
}

fn word_and_language(req: &Request) -> api::Result<(Word, LanguageCode)> {
    if *req.method() == Method::Post {
        let body = api::JsonBody::of(req)?;
        Ok((
            body.required("word", Word::parse)?,
            body.required("language", LanguageCode::parse)?,
        ))
    } else {
        let query = api::Query::of(req);
        Ok((
            query.required("word", Word::parse)?,
            query.required("lang", LanguageCode::parse)?,
        ))
    }
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get, Method::Post], |req, ctx| {
        let started = Instant::now();
        let (word, language) = word_and_language(req)?;
        let db = ctx.db()?;
        let params: [&dyn api::ToParam; 2] = [&word.as_str(), &language.code()];
        let found: Lookup = db.fetch_one(queries::ILLUSTRATION_LOOKUP, &params)?;
        if let (Some(scene), Some(image), Some(content_type), Some(created)) = (
            found.scene_description,
            found.image_data,
            found.content_type,
            found.created_at,
        ) {
            return api::ok(&Illustration {
                word: word.as_str(),
                language: language.code(),
                scene_description: scene,
                image_data: image,
                content_type,
                cached: true,
                created_at: domain::format_utc(&created),
            });
        }
        let mut ai = ai::Ai::from_variables(&[ai::Use::Scene, ai::Use::Image]);
        // Without image generation a scene would be wasted.
        for needed in [ai::Use::Image, ai::Use::Scene] {
            if !ai.is_configured(needed) {
                return Ok(ai::AiError::NotConfigured(needed).to_response("/v3/illustration"));
            }
        }
        let meaning = found
            .definition_data
            .as_ref()
            .and_then(|d| d.pointer("/definitions/0/definition"))
            .and_then(Value::as_str)
            .unwrap_or("its most common meaning");
        let generated = ai
            .scene(
                word.as_str(),
                language.name(),
                meaning,
                started + ai::Use::Scene.budget(),
            )
            .and_then(|scene| {
                let image = ai.image(word.as_str(), &scene, started + ai::Use::Image.budget())?;
                Ok((scene, image))
            });
        let (scene, image) = match generated {
            Ok(generated) => generated,
            Err(e) => return Ok(e.to_response("/v3/illustration")),
        };
        let params: [&dyn api::ToParam; 4] =
            [&word.as_str(), &language.code(), &scene, &image.base64];
        // No row when a concurrent request stored this word first; ours is as good.
        let created = db
            .fetch_optional::<Created>(queries::ILLUSTRATION_STORE, &params)?
            .map_or_else(api::now_utc, |c| c.created_at);
        api::ok(&Illustration {
            word: word.as_str(),
            language: language.code(),
            scene_description: scene,
            image_data: image.base64,
            content_type: "image/png".to_owned(),
            cached: false,
            created_at: domain::format_utc(&created),
        })
    })
}
