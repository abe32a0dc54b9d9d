"""Drives assistants and runs through Spool with the official Python SDK (openai==3.22.1).

Usage: python3 runs_round_trip.py <base_url>
Prints one JSON object; test/wire/sdk-python-runs.test.ts asserts on it.
"""

import json
import sys
import warnings

import openai

warnings.simplefilter("ignore", DeprecationWarning)

base_url = sys.argv[1]
bodies = []


def record(request):
    if request.url.path.endswith("/threads/runs"):
        bodies.append(json.loads(request.content.decode("utf-8")))


client = openai.OpenAI(
    base_url=base_url,
    api_key="sk-python-sdk-test",
    max_retries=0,
    http_client=openai.DefaultHttpxClient(event_hooks={"request": [record]}),
)

assistant = client.beta.assistants.create(model="gpt-4o", instructions="Answer in one word.")
run = client.beta.threads.create_and_run_poll(
    assistant_id=assistant.id,
    thread={"messages": [{"role": "user", "content": "Capital of Italy?"}]},
    poll_interval_ms=50,
)
answer = client.beta.threads.messages.list(thread_id=run.thread_id, run_id=run.id)
steps = client.beta.threads.runs.steps.list(thread_id=run.thread_id, run_id=run.id)

events = []
with client.beta.threads.create_and_run_stream(
    assistant_id=assistant.id,
    thread={"messages": [{"role": "user", "content": "And of Spain?"}]},
) as stream:
    for event in stream:
        events.append(event.event)
    streamed_text = stream.get_final_messages()[0].content[0].text.value

print(
    json.dumps(
        {
            "run": run.model_dump(),
            "answer": [message.model_dump() for message in answer.data],
            "steps": [step.model_dump() for step in steps.data],
            "create_and_run_body": bodies[0],
            "events": events,
            "streamed_text": streamed_text,
        }
    )
)
