# Overstap: the API server and its command line in one image.
#
#   docker build -t overstap:latest .
#   docker run --rm -e DATABASE_URL=… -e OVERSTAP_KEK_FILE=/run/secrets/kek -p 8080:8080 overstap:latest
#
# Not built on our development machines (they have no Docker engine); linted with hadolint in
# `make test`. See docs/operations.md for what was and was not run.

# Hummingbird needs Swift tools 6.2 or newer; we develop on 6.3.
ARG SWIFT_VERSION=6.3

# ---- build: the official Swift image with the headers of libpq and libxlsxwriter; a release build with the Swift
# runtime linked in statically, so the runtime image needs no Swift.
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev libxlsxwriter-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY sql ./sql
RUN swift build -c release --static-swift-stdlib --product overstap \
    && install -D "$(swift build -c release --show-bin-path)/overstap" /out/bin/overstap \
    && install -d /out/share/overstap \
    && cp -r sql /out/share/overstap/sql

# ---- runtime: slim Debian with libpq and libxlsxwriter only (plus time zones for Europe/Amsterdam), as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libxlsxwriter4 tzdata ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin overstap
# The binary finds its migrations in ../share/overstap/sql.
COPY --from=build /out/bin/overstap /usr/local/bin/overstap
COPY --from=build /out/share/overstap /usr/local/share/overstap
ENV OVERSTAP_HTTP_HOST=0.0.0.0 \
    OVERSTAP_HTTP_PORT=8080 \
    TZ=Europe/Amsterdam
USER 10001
EXPOSE 8080
# No curl in the image: bash's /dev/tcp asks /health.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${OVERSTAP_HTTP_PORT} && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["overstap"]
CMD ["serve"]
