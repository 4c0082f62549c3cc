// A typed Insights API client for frontend code: openapi-fetch with the types that
// openapi-typescript generates from /openapi.json (`npm run generate` writes
// schema.d.ts from a server on 127.0.0.1:8000).
// tests/test_typescript_client.py regenerates the types from the live app and compiles this
// file with tsc, so a schema change that breaks these typed accesses fails the test suite.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

export type Quote = components["schemas"]["Quote"];
export type QuotePage = components["schemas"]["QuotePage"];
export type Problem = components["schemas"]["Problem"];

export const client = createClient<paths>({ baseUrl: "http://127.0.0.1:8000" });

/** A quote as one line of text: the typed fields a frontend reads. */
export function describe(quote: Quote): string {
  // Deliberately typed: each assignment fails to compile if the schema loses the field
  // or changes its type (the test removes `layer` from Quote to prove it).
  const layerName: string = quote.layer.name;
  const themeTitle: string = quote.theme.title;
  const stakeholder: string = quote.stakeholder_type.name;
  const organisation: string | null = quote.organisation_type?.name ?? null;
  const position: number = quote.position;
  const where = [layerName, themeTitle, stakeholder, organisation].filter(Boolean).join(" / ");
  return `${position}. “${quote.text}” — ${quote.attribution} [${where}]`;
}

/** GET /v1/quotes with filters: the first page of matching quotes, and the cursor for the next. */
export async function firstQuotes(): Promise<{ lines: string[]; next: string | null }> {
  const { data, error } = await client.GET("/v1/quotes", {
    params: {
      query: {
        stakeholder_type: ["payer"],
        layer: ["a-bit-deeper"],
        limit: 5,
      },
    },
  });
  if (error) {
    const problem: Problem = error;
    throw new Error(`${problem.status} ${problem.title}: ${problem.detail}`);
  }
  const page: QuotePage = data;
  const lines = page.items.map(describe);
  if (page.items.length > 0) {
    const firstAttribution: string = page.items[0].attribution;
    lines.unshift(`first speaker: ${firstAttribution}`);
  }
  const next: string | null = page.next_cursor;
  return { lines, next };
}

/** GET /v1/quotes/{quote_id}: one quote, or null when no quote has that id. */
export async function quoteById(quoteId: string): Promise<Quote | null> {
  const { data, error, response } = await client.GET("/v1/quotes/{quote_id}", {
    params: { path: { quote_id: quoteId } },
  });
  if (response.status === 404) {
    return null;
  }
  if (error) {
    throw new Error(`${error.status} ${error.title}: ${error.detail}`);
  }
  const themeTitle: string = data.theme.title;
  console.log(`${data.id} is under the theme ${themeTitle}`);
  return data;
}
