# Build the release binary, then ship it on a slim Debian with nothing else of Rust.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs diesel.toml ./
COPY src ./src
COPY migrations ./migrations
# The web app is embedded in the binary.
COPY web ./web
RUN cargo build --release --locked --bin slipway

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 slipway \
    && mkdir -p /var/lib/slipway/attachments \
    && chown -R slipway /var/lib/slipway
COPY --from=build /src/target/release/slipway /usr/local/bin/slipway
USER slipway
ENV SLIPWAY_BIND=0.0.0.0:8080
ENV SLIPWAY_STORAGE_URL=file:///var/lib/slipway/attachments
EXPOSE 8080
ENTRYPOINT ["slipway"]
CMD ["serve"]
