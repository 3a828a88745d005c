# Headless training image: `docker run --rm -v $PWD/mlruns:/app/mlruns fraud-pipeline`
FROM node:20-bookworm-slim
RUN npm install -g deno@2.9.6 && deno --version
WORKDIR /app
COPY deno.json deno.lock* ./
COPY lib/ lib/
COPY tasks/ tasks/
COPY data/ data/
# Fetch npm dependencies at build time so the container runs offline.
RUN deno cache tasks/train.ts
ENV MLFLOW_TRACKING_URI=/app/mlruns
ENTRYPOINT ["deno", "task", "train", "--log-format", "json"]
