"""Writes COUNT deliveries of one CRM for wrk (post-deliveries.lua), one per line: path, headers, body.

Usage: crm-deliveries.py hubspot|pipedrive|salesforce CREDENTIAL BASE_URL COUNT [RUN] > deliveries.tsv
CREDENTIAL: HubSpot's client secret, Pipedrive's user:password, or Salesforce's organization id. BASE_URL is the one
HubSpot signs (the server's TENURE_PUBLIC_URL). Shapes of ../shared/fixtures/crm: 2,000 deals, each delivered again
a minute later in its CRM's next stage (HubSpot workflows, Pipedrive v2 change.deal with stage ids 1–4, Salesforce
Outbound Messages of one Opportunity) — every event new, every one a stage change. Signed now: HubSpot's tolerance
is 300 s.
"""
import base64
import json
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from webhook_signing import hubspot_headers  # noqa: E402

crm, credential, base, count = sys.argv[1], sys.argv[2], sys.argv[3].rstrip("/"), int(sys.argv[4])
run = sys.argv[5] if len(sys.argv) > 5 else "bench"
deals = 2000
now_ms = int(time.time() * 1000)
start = int(time.time()) - 86_400


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def hubspot(i, k, step):
    stages = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent"]
    body = json.dumps({"hs_object_id": f"{run}{k}", "dealname": f"Deal {k}", "amount": "24000", "deal_currency_code": "USD",
                       "dealstage": stages[step % len(stages)], "createdate": iso(start), "hs_lastmodifieddate": iso(start + 60 * step),
                       "hubspot_owner_id": "75231486", "company_id": f"{run}-hs-{k}", "company_name": f"HubSpot Co {k}"},
                      separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", **hubspot_headers(credential, base + "/v1/webhooks/hubspot", now_ms, body)}
    return "/v1/webhooks/hubspot", headers, body


def pipedrive(i, k, step):
    time_ = iso(start + 60 * step)
    body = json.dumps({"meta": {"action": "change", "entity": "deal", "id": str(uuid.uuid4()), "entity_id": str(k), "timestamp": time_,
                                "version": "2.0"},
                       "data": {"id": f"{run}{k}", "title": f"Deal {k}", "owner_id": 18487521, "org_id": f"{run}-pd-{k}",
                                "stage_id": step % 4 + 1, "value": 24000, "currency": "USD", "add_time": iso(start), "update_time": time_,
                                "stage_change_time": time_, "status": "open", "lost_reason": None},
                       "previous": {"stage_id": (step - 1) % 4 + 1}}, separators=(",", ":")).encode()
    auth = base64.b64encode(credential.encode()).decode()
    return "/v1/webhooks/pipedrive", {"Content-Type": "application/json", "Authorization": f"Basic {auth}"}, body


def salesforce(i, k, step):
    stages = ["Prospecting", "Qualification", "Value Proposition", "Proposal/Price Quote", "Negotiation/Review"]
    body = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
            f'<OrganizationId>{credential}</OrganizationId><ActionId>04k5g000000CaRkAAK</ActionId>'
            f'<Notification><Id>04l{run}{i:09d}</Id><sObject xmlns:sf="urn:sobject.enterprise.soap.sforce.com" xsi:type="sf:Opportunity">'
            f'<sf:Id>006{run}{k}</sf:Id><sf:AccountId>001{run}{k}</sf:AccountId><sf:Amount>24000.0</sf:Amount>'
            f'<sf:CreatedDate>{iso(start)}</sf:CreatedDate><sf:IsClosed>false</sf:IsClosed><sf:IsWon>false</sf:IsWon>'
            f'<sf:LastModifiedDate>{iso(start + 60 * step)}</sf:LastModifiedDate><sf:Name>Deal {k}</sf:Name>'
            f'<sf:StageName>{stages[step % len(stages)]}</sf:StageName></sObject></Notification>'
            '</notifications></soapenv:Body></soapenv:Envelope>').encode()
    return "/v1/webhooks/salesforce", {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}, body


make = {"hubspot": hubspot, "pipedrive": pipedrive, "salesforce": salesforce}[crm]
out = sys.stdout
for i in range(count):
    path, headers, body = make(i, i % deals, i // deals)
    out.write(path + "\t" + "|".join(f"{name}: {value}" for name, value in headers.items()) + "\t" + body.decode() + "\n")
