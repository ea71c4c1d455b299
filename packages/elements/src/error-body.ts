/**
 * The `{ error: { code, message } }` body (`ErrorBody` in core) of a refused response, read
 * defensively: a proxy's or CDN's error page has neither, so the status text stands in.
 */
export async function readErrorBody(response: Response): Promise<{ code: unknown; message: string }> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
  const message = typeof body?.error?.message === 'string' ? body.error.message : response.statusText;
  return { code: body?.error?.code, message };
}
