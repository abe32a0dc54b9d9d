"""Drives Spool with the official Python SDK (openai==3.22.1) and prints what it saw as one JSON object.

Usage: python3 sdk_round_trip.py <base_url>
The calling test (test/wire/sdk-python.test.ts) asserts on the printed results.
"""

import json
import sys
import warnings

import openai

# The SDK marks the Assistants API deprecated; the warnings would only clutter stderr.
warnings.simplefilter("ignore", DeprecationWarning)

base_url = sys.argv[1]
sent = []


def record(request):
    """Keeps what the SDK put on the wire, so the test can check the request shapes it relies on."""
    sent.append(
        {
            "method": request.method,
            "path": request.url.path,
            "content_type": request.headers.get("content-type"),
            "body": request.content.decode("utf-8"),
        }
    )


client = openai.OpenAI(
    base_url=base_url,
    api_key="sk-python-sdk-test",
    max_retries=0,
    http_client=openai.DefaultHttpxClient(event_hooks={"request": [record]}),
)
threads = client.beta.threads
messages = client.beta.threads.messages


def dump(model):
    return model.model_dump(mode="json")


def error_of(call):
    """Runs a call that must fail and returns how the SDK reported the failure."""
    try:
        call()
    except openai.APIStatusError as error:
        return {
            "class": type(error).__name__,
            "status": error.status_code,
            "message": error.message,
            "body": error.body,
            "code": error.code,
            "param": error.param,
            "type": error.type,
            "request_id": error.request_id,
        }
    raise AssertionError("the call was expected to fail")


results = {"sdk_version": openai.__version__}

created = threads.create(
    messages=[
        {"role": "user", "content": "Hello from Python", "metadata": {"lang": "py"}},
        {"role": "assistant", "content": [{"type": "text", "text": "Hi there"}]},
    ],
    metadata={"customer": "acme"},
    tool_resources={"code_interpreter": {"file_ids": ["file-py1"]}, "file_search": {"vector_store_ids": ["vs_py"]}},
)
results["created"] = dump(created)
results["retrieved"] = dump(threads.retrieve(created.id))
results["updated"] = dump(threads.update(created.id, metadata={"customer": "acme", "stage": "done"}))
results["initial_messages"] = [dump(message) for message in messages.list(created.id, order="asc")]

message = messages.create(
    created.id,
    role="user",
    content=[
        {"type": "text", "text": "See attached"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "high"}},
    ],
    attachments=[{"file_id": "file-doc", "tools": [{"type": "code_interpreter"}]}],
    metadata={"source": "python"},
)
results["message_created"] = dump(message)
results["message_retrieved"] = dump(messages.retrieve(message.id, thread_id=created.id))
results["message_updated"] = dump(messages.update(message.id, thread_id=created.id, metadata={"reviewed": "yes"}))
results["message_deleted"] = dump(messages.delete(message.id, thread_id=created.id))
results["message_gone"] = error_of(lambda: messages.retrieve(message.id, thread_id=created.id))

# Auto-pagination: more than one page of 100, walked by the SDK's own cursor (after = last id).
paged = threads.create()
paged_ids = [messages.create(paged.id, role="user", content=f"message {index}").id for index in range(130)]
results["paged_created_ids"] = paged_ids
results["paged_asc_ids"] = [item.id for item in messages.list(paged.id, order="asc", limit=100)]
results["paged_desc_ids"] = [item.id for item in messages.list(paged.id, limit=30)]
first_page = messages.list(paged.id, order="asc", limit=100)
results["first_page"] = {"count": len(first_page.data), "has_more": first_page.has_more, "has_next_page": first_page.has_next_page()}

results["deleted"] = dump(threads.delete(created.id))
results["retrieve_after_delete"] = error_of(lambda: threads.retrieve(created.id))
results["delete_after_delete"] = error_of(lambda: threads.delete(created.id))
results["malformed_id"] = error_of(lambda: threads.retrieve("1234"))
results["unknown_parameter"] = error_of(lambda: threads.create(extra_body={"foo": 1}))
results["metadata_not_a_string"] = error_of(lambda: threads.create(metadata={"n": 1}))

results["sent"] = sent
print(json.dumps(results))
