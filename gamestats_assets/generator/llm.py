"""Optional LLM analyzers: ask a chat model for the rule set instead of inferring it offline, through OpenAI-style
chat completions or Anthropic-style messages (`lib.intake.http`). Invalid replies are retried; results are cached on
disk by taxonomy hash, provider, model and product."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

from gamestats_assets.generator.analyzer import OfflineAnalyzer
from gamestats_assets.generator.taxonomy import Taxonomy
from gamestats_assets.lib.intake.http import ApiClient, ApiError, EndpointLimit
from gamestats_assets.sources.taxonomy.rules import ProductInfo, RuleSet

ATTEMPTS = 3


class LLMError(RuntimeError):
    """The model did not return a usable rule set after all attempts, or the API refused the request."""


@dataclass
class LLMProvider:
    """Shared behaviour of the HTTP providers; subclasses say how a request and a reply look."""

    model: str
    base_url: str
    api_key_env: str
    cache_dir: Path | None = None
    min_interval_s: float = 1.0
    timeout_s: float = 120.0
    name = "llm"
    path = ""
    auth_header = "Authorization"
    key_format = "{key}"
    extra_headers: ClassVar[dict[str, str]] = {}

    def __post_init__(self) -> None:
        spacing = [EndpointLimit("", ((1, self.min_interval_s),))] if self.min_interval_s > 0 else []
        self._client = ApiClient(self.name, self.base_url, self.api_key_env, auth_header=self.auth_header,
                                 key_format=self.key_format, limits=spacing, headers=self.extra_headers,
                                 timeout_s=self.timeout_s)

    def analyze(self, taxonomy: Taxonomy, product: ProductInfo) -> RuleSet:
        """The model's RuleSet for the taxonomy, from the cache when this exact question was asked before."""
        cache_path = self._cache_path(taxonomy, product)
        if cache_path is not None and cache_path.exists():
            return RuleSet.from_dict(json.loads(cache_path.read_text(encoding="utf-8")))
        prompt = self._prompt(taxonomy, product)
        problems = []
        for _ in range(ATTEMPTS):
            reply = self._reply_text(self._post(self._request_body(prompt)))
            try:
                rules = RuleSet.from_dict(_json_object(reply))
                _check_against(rules, taxonomy)
            except (ValueError, KeyError, TypeError) as error:
                problems.append(f"{type(error).__name__}: {error}")
                continue
            if cache_path is not None:
                cache_path.parent.mkdir(parents=True, exist_ok=True)
                cache_path.write_text(json.dumps(rules.to_dict(), sort_keys=True), encoding="utf-8")
            return rules
        raise LLMError(f"{self.name} gave no usable rule set in {ATTEMPTS} tries: {problems}")

    def _cache_path(self, taxonomy: Taxonomy, product: ProductInfo) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([taxonomy.fingerprint(), self.name, self.model, asdict(product)], sort_keys=True)
        return Path(self.cache_dir) / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def _prompt(self, taxonomy: Taxonomy, product: ProductInfo) -> str:
        example = OfflineAnalyzer().analyze(taxonomy, product).to_dict()
        listing = {
            "events": [{"name": e.name, "tag": e.tag, "description": e.description, "properties": list(e.properties)}
                       for e in taxonomy.events],
            "properties": [{"name": p.name, "type": p.type, "description": p.description,
                            "constraint": p.constraint.text()} for p in taxonomy.properties],
        }
        return (
            "You design synthetic product-analytics data. Given this event taxonomy and product, return ONLY a "
            "JSON object with exactly the shape of the example rule set: property value rules, dependencies, "
            "relationships, lifecycle stage per event, onboarding sequence, funnels, property updates and segment "
            "profiles. Improve the example where the taxonomy says more; use only its events and properties.\n"
            f"product: {json.dumps(asdict(product))}\n"
            f"taxonomy: {json.dumps(listing)}\n"
            f"example rule set: {json.dumps(example)}"
        )

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._client.post_json(self.path, body)
        except ApiError as error:
            raise LLMError(str(error)) from error

    def _request_body(self, prompt: str) -> dict[str, Any]:
        raise NotImplementedError

    def _reply_text(self, reply: dict[str, Any]) -> str:
        raise NotImplementedError


@dataclass
class OpenAIProvider(LLMProvider):
    """OpenAI-style chat completions; key from OPENAI_API_KEY."""

    model: str = "gpt-4o-mini"
    base_url: str = "https://api.openai.com/v1"
    api_key_env: str = "OPENAI_API_KEY"
    name = "openai"
    path = "/chat/completions"
    key_format = "Bearer {key}"

    def _request_body(self, prompt: str) -> dict[str, Any]:
        return {"model": self.model, "messages": [{"role": "user", "content": prompt}], "temperature": 0}

    def _reply_text(self, reply: dict[str, Any]) -> str:
        return reply["choices"][0]["message"]["content"]


@dataclass
class AnthropicProvider(LLMProvider):
    """Anthropic-style messages; key from ANTHROPIC_API_KEY."""

    model: str = "claude-sonnet-4-5"
    base_url: str = "https://api.anthropic.com/v1"
    api_key_env: str = "ANTHROPIC_API_KEY"
    max_tokens: int = 16000
    name = "anthropic"
    path = "/messages"
    auth_header = "x-api-key"
    extra_headers: ClassVar[dict[str, str]] = {"anthropic-version": "2023-06-01"}

    def _request_body(self, prompt: str) -> dict[str, Any]:
        return {"model": self.model, "max_tokens": self.max_tokens, "messages": [{"role": "user", "content": prompt}]}

    def _reply_text(self, reply: dict[str, Any]) -> str:
        return "".join(block.get("text", "") for block in reply["content"] if block.get("type") == "text")


PROVIDERS: dict[str, type[LLMProvider]] = {"openai": OpenAIProvider, "anthropic": AnthropicProvider}
"""The providers by the name `gamestats generate --ai` takes."""


def provider_for(name: str, model: str | None = None, base_url: str | None = None,
                 cache_dir: Path | None = None) -> LLMProvider:
    """The provider called `name` (`openai`, `anthropic`), with its default model and API address unless given;
    its key comes from its environment variable (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`)."""
    chosen = {"model": model, "base_url": base_url, "cache_dir": cache_dir}
    return PROVIDERS[name](**{key: value for key, value in chosen.items() if value is not None})


def _json_object(text: str) -> dict[str, Any]:
    """The JSON object in a model's reply, with or without a fenced code block around it."""
    fenced = re.search(r"```(?:json)?\s*(\{.*\})\s*```", text, re.S)
    candidate = fenced.group(1) if fenced else text[text.find("{"): text.rfind("}") + 1]
    value = json.loads(candidate)
    if not isinstance(value, dict):
        raise ValueError("the reply is not a JSON object")
    return value


def _check_against(rules: RuleSet, taxonomy: Taxonomy) -> None:
    """ValueError if the rule set names events or properties the taxonomy does not have."""
    events = {event.name for event in taxonomy.events}
    properties = {spec.name for spec in taxonomy.properties}
    unknown_events = (set(rules.events) | set(rules.onboarding) | {u.event for u in rules.updates}) - events
    unknown_properties = (set(rules.values) | {u.property for u in rules.updates}) - properties
    if unknown_events or unknown_properties:
        raise ValueError(f"unknown events {sorted(unknown_events)} / properties {sorted(unknown_properties)}")
