# Headless training image: `docker run --rm -v $PWD/tracking:/app/tracking fraud-pipeline`
# (MLflow's SQLite store and its artifacts land in ./tracking; MLFLOW_TRACKING_URI=http://… for a server)
FROM node:20-bookworm-slim
RUN npm install -g deno@2.9.6 && deno --version
WORKDIR /app
COPY deno.json deno.lock* ./
COPY lib/ lib/
COPY tasks/ tasks/
COPY data/ data/
# Fetch npm dependencies at build time so the container runs offline.
RUN deno cache tasks/train.ts
ENV MLFLOW_TRACKING_URI=sqlite:////app/tracking/mlflow.db
ENTRYPOINT ["deno", "task", "train", "--log-format", "json"]
