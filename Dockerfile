# syntax=docker/dockerfile:1
# The pipeline's image: every task (train, drift, monitor, schedule, ingest, predict, promote, …)
# with its npm dependencies and onnxruntime's native binary installed at build time, so a
# container never fetches at run time; a non-root user; outputs (mlflow.db, mlruns/, the cycle
# lock) on the /data volume; the task as the command.
#   docker build -t fraud-pipeline .
#   docker run --rm -v fraud-data:/data fraud-pipeline train --log-format json
#   docker run -d -p 9464:9464 -v fraud-data:/data fraud-pipeline schedule --interval 3600 --host 0.0.0.0
# docker-compose.yml runs the whole loop (Redis, MLflow, ingest, the scheduler); see the README.
#
# Behind a proxy that re-signs TLS, give its CA bundle as a build secret; it is used by apt, npm
# and Deno during the build and leaves no trace in the image:
#   docker build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt -t fraud-pipeline .
#   buildah bud --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt -t fraud-pipeline .

# Deno from its npm package; only the binary goes on.
FROM debian:bookworm-slim AS deno
RUN --mount=type=secret,id=ca,required=false \
    apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends nodejs npm ca-certificates > /dev/null \
 && if [ -f /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi \
 && npm install -g --no-fund --no-audit deno@2.9.6 > /dev/null \
 && install -m 0755 "$(npm root -g)/deno/deno" /usr/local/bin/deno \
 && /usr/local/bin/deno --version

FROM debian:bookworm-slim
COPY --from=deno /usr/local/bin/deno /usr/local/bin/deno
RUN useradd --uid 1993 --user-group --create-home --home-dir /home/deno deno \
 && mkdir -p /app /data && chown deno:deno /app /data
# Everything below is installed as the image's user: no layer of chown'd copies.
USER deno
ENV DENO_NO_UPDATE_CHECK=1 DENO_DIR=/home/deno/.cache/deno
WORKDIR /app
COPY --chown=deno:deno deno.json deno.lock ./
# The npm dependencies; then only what runs here stays: onnxruntime's binary for this machine
# (not the others'), no WebAssembly toolchain (deno task build:wasm is a development task), and of
# Deno's npm cache only the package lists (node_modules holds the packages themselves).
RUN --mount=type=secret,id=ca,required=false,mode=0444 \
    if [ -f /run/secrets/ca ]; then export DENO_CERT=/run/secrets/ca; fi \
 && deno install --frozen \
 && arch="$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')" \
 && ort="$(echo node_modules/.deno/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v6)" \
 && rm -rf "$ort/darwin" "$ort/win32" && find "$ort/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} + \
 && rm -rf node_modules/.deno/binaryen@* \
 && find "$DENO_DIR/npm" -mindepth 2 -maxdepth 2 -type d -exec rm -rf {} +
COPY --chown=deno:deno lib/ lib/
COPY --chown=deno:deno tasks/ tasks/
COPY --chown=deno:deno data/ data/
RUN --mount=type=secret,id=ca,required=false,mode=0444 \
    if [ -f /run/secrets/ca ]; then export DENO_CERT=/run/secrets/ca; fi \
 && deno cache tasks/train.ts tasks/drift.ts tasks/monitor.ts tasks/schedule.ts tasks/ingest.ts \
      tasks/predict.ts tasks/promote.ts tasks/compare.ts tasks/export_onnx.ts tasks/mlflow_sync.ts \
      tasks/calibrate_drift.ts tasks/explain.ts tasks/serve.ts tasks/features.ts tasks/healthcheck.ts \
 && ls node_modules/.deno/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v6/linux/*/libonnxruntime.so.1 \
 && find "$DENO_DIR/npm" -mindepth 2 -maxdepth 2 -type d -exec rm -rf {} +
ENV MLFLOW_TRACKING_URI=sqlite:////data/mlflow.db \
    MONITOR_LOCK_FILE=/data/monitor.lock \
    HEALTH_PORT=9464
VOLUME /data
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["deno", "run", "--allow-all", "tasks/healthcheck.ts"]
ENTRYPOINT ["deno", "task"]
CMD ["train", "--log-format", "json"]
