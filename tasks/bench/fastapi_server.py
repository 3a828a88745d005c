"""The original design's inference box, written for `bench:serve`: FastAPI + onnxruntime scoring
the same ONNX model, reading online features from the same Redis (the pipeline's hash layout:
key `features:<entity>`, one field per feature). POST /v1/score with one row of features, or
{"entity_id": "…"}. Run: python fastapi_server.py <model.onnx> <features.json> <redis port> <port>
<key template, e.g. features:card:{}:transaction>"""
import json
import sys

import numpy as np
import onnxruntime as ort
import redis
import uvicorn
from fastapi import FastAPI, HTTPException, Request

model_path, names_path, redis_port, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
key_template = sys.argv[5]  # e.g. features:card:{}:transaction
names = json.load(open(names_path))
opts = ort.SessionOptions()
opts.intra_op_num_threads = 1
opts.inter_op_num_threads = 1
session = ort.InferenceSession(model_path, opts, providers=["CPUExecutionProvider"])
store = redis.Redis(host="127.0.0.1", port=redis_port)
app = FastAPI()


def num(v):
    """The hash layout's cell: a number, `true`/`false`, or `null` (missing)."""
    text = v.decode().strip() if v is not None else "null"
    return {"null": float("nan"), "": float("nan"), "true": 1.0, "false": 0.0}.get(text) \
        if text in ("null", "", "true", "false") else float(text)


def score(row):
    x = np.array([row], dtype=np.float32)
    p = session.run(["probabilities"], {"float_input": x})[0]
    return float(p[0, 1])


@app.post("/v1/score")
async def v1_score(request: Request):
    body = await request.json()
    if "entity_id" in body:
        values = store.hmget(key_template.format(body["entity_id"]), names)
        if all(v is None for v in values):
            raise HTTPException(404, f"unknown entity {body['entity_id']}")
        row = [num(v) for v in values]
    else:
        missing = [n for n in names if n not in body]
        if missing:
            raise HTTPException(400, [f"{n}: missing" for n in missing])
        row = [float(body[n]) for n in names]
    return {"probability": score(row)}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", workers=1)
