import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';

export const REQUIRED_GROUPS = 'auth:groups';

/** Restricts a route to members of at least one of the Cognito groups named. */
export const Groups = (...groups: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_GROUPS, groups),
    ApiForbiddenResponse({
      description: `Only for the groups: ${groups.join(', ')}`,
    }),
  );
