# The pipeline's image: every task (train, drift, monitor, schedule, ingest, predict, promote, …)
# with its npm dependencies and onnxruntime's native binary installed at build time, so a
# container never fetches at run time; a non-root user; outputs (mlflow.db, mlruns/, the cycle
# lock) on the /data volume; the task as the command.
#   docker build -t fraud-pipeline .
#   docker run --rm -v fraud-data:/data fraud-pipeline train --log-format json
#   docker run -d -p 9464:9464 -v fraud-data:/data fraud-pipeline schedule --interval 3600 --host 0.0.0.0
# docker-compose.yml runs the whole loop (Redis, MLflow, ingest, the scheduler); see the README.
FROM denoland/deno:debian-2.9.6
ENV DENO_NO_UPDATE_CHECK=1
WORKDIR /app
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY lib/ lib/
COPY tasks/ tasks/
COPY data/ data/
RUN deno cache tasks/train.ts tasks/drift.ts tasks/monitor.ts tasks/schedule.ts tasks/ingest.ts \
      tasks/predict.ts tasks/promote.ts tasks/compare.ts tasks/export_onnx.ts tasks/mlflow_sync.ts tasks/calibrate_drift.ts \
      tasks/explain.ts tasks/serve.ts tasks/features.ts tasks/healthcheck.ts \
 && ls node_modules/.deno/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v6/linux/*/libonnxruntime.so.1 \
 && mkdir -p /data && chown -R deno:deno /data /app/node_modules
ENV MLFLOW_TRACKING_URI=sqlite:////data/mlflow.db \
    MONITOR_LOCK_FILE=/data/monitor.lock \
    HEALTH_PORT=9464
VOLUME /data
USER deno
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["deno", "run", "--allow-all", "tasks/healthcheck.ts"]
ENTRYPOINT ["deno", "task"]
CMD ["train", "--log-format", "json"]
