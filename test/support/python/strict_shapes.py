"""Parses Spool's objects with the official Python SDK (openai==3.22.1) strictly: for every object
(nested ones too) it lists each key the SDK declares that the answer left out, and each key the
answer sent that the SDK does not declare. Prints {kind: [deviation, ...]} as one JSON object.

Usage: python3 strict_shapes.py <base_url>
test/wire/sdk-python-strict.test.ts asserts on the printed result.
"""

import json
import sys
import warnings

import openai
from pydantic import BaseModel

warnings.simplefilter("ignore", DeprecationWarning)

client = openai.OpenAI(base_url=sys.argv[1], api_key="sk-python-sdk-test", max_retries=0)
found = {}


def check(kind, model, path=None):
    """Records the keys `model` (as parsed from the wire) lacks or has beyond the SDK's declaration."""
    path = path or type(model).__name__
    deviations = found.setdefault(kind, set())
    declared = type(model).model_fields
    for name in declared:
        if name not in model.model_fields_set:
            deviations.add(f"{path}.{name} missing")
    for name in (model.model_extra or {}):
        deviations.add(f"{path}.{name} unknown")
    for name in model.model_fields_set & set(declared):
        value = getattr(model, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                check(kind, item, f"{path}.{name}")


weather = {
    "type": "function",
    "function": {"name": "get_weather", "description": "Weather of a city", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}},
}
assistant = client.beta.assistants.create(model="gpt-4o", tools=[weather, {"type": "file_search"}], reasoning_effort="low")
check("assistant", assistant)
check("assistant", client.beta.assistants.retrieve(assistant.id))

thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather in Oslo?"}])
check("thread", thread)
message = client.beta.threads.messages.create(
    thread.id, role="user", content=[{"type": "text", "text": "and this"}, {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]
)
check("message (REST)", message)

with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
    for event in stream:
        data = event.data
        if data.object == "thread.run":
            check("run (SSE)", data)
        elif data.object == "thread.run.step":
            check("step (SSE)", data)
        elif data.object == "thread.message":
            check("message (SSE)", data)
    run = stream.current_run

call = run.required_action.submit_tool_outputs.tool_calls[0]
check("run (REST)", client.beta.threads.runs.retrieve(run.id, thread_id=thread.id))
done = client.beta.threads.runs.submit_tool_outputs_and_poll(run_id=run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": call.id, "output": "-3 C"}], poll_interval_ms=50)
check("run (REST)", done)
for step in client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id):
    check("step (REST)", step)
for each in client.beta.threads.messages.list(thread.id):
    check("message (REST)", each)

print(json.dumps({"status": done.status, "deviations": {kind: sorted(items) for kind, items in sorted(found.items())}}))
