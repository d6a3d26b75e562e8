/**
 * `api` → `API_URL`, `web-ui` → `WEB_UI_URL`: the environment variable that holds a
 * service's URL for the other services of the run.
 */
export function urlVariable(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
}
