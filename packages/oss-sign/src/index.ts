export const which = 'default';
