import { SetMetadata } from '@nestjs/common';

export const REQUIRED_GROUPS = 'auth:groups';

/**
 * Restricts a route to members of at least one of the Cognito groups named
 * (the OpenAPI document derives its 403 from this metadata).
 */
export const Groups = (...groups: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_GROUPS, groups);
