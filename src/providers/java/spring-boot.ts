/**
 * Spring Boot Actuator's health endpoint, served when `spring-boot-starter-actuator` is a
 * dependency. Source: https://docs.spring.io/spring-boot/reference/actuator/endpoints.html
 */
export const SPRING_ACTUATOR_HEALTH = '/actuator/health';

/**
 * Command-line arguments that make a Spring Boot app listen on the assigned port and host:
 * `--server.port` and `--server.address` are Spring properties, and command-line arguments
 * override application.properties. Spring does not read the PORT variable by itself.
 * Source: https://docs.spring.io/spring-boot/reference/features/external-config.html
 */
export function springBootArgs(): string[] {
  return ['--server.port={port}', '--server.address={host}'];
}
