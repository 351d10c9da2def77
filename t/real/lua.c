/* SPDX-License-Identifier: MIT */
/*
 * lua.c - run the Lua script given as argv[1] in Debian's static Lua
 * (glibc-static), with the standard libraries; the script's output and
 * exit status are the program's.  No files: the script is a string.
 */
#include <stdio.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: lua 'SCRIPT'\n");
		return 2;
	}
	lua_State *L = luaL_newstate();
	if (!L)
		return 1;
	luaL_openlibs(L);
	int st = 0;
	if (luaL_loadstring(L, argv[1]) != LUA_OK ||
	    lua_pcall(L, 0, 1, 0) != LUA_OK) {
		fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
		st = 1;
	} else if (lua_isinteger(L, -1)) {
		st = (int)lua_tointeger(L, -1);
	}
	lua_close(L);
	return st;
}
