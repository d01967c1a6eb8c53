//! The OpenQuake Engine Server WebAPI as one axum [`Router`](axum::Router), built by [`app`].
