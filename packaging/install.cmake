# packaging/install.cmake - `make install` and the Debian package (issue 15)
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Included at the end of the top-level CMakeLists.txt. `cmake --install`
# (and `make install PREFIX=... DESTDIR=...`) puts, under the prefix:
#   bin/migsearch-index, bin/migsearch-fcgi
#   lib/systemd/system/migsearch-fcgi.service, migsearch-index.{service,timer}
#   share/migsearch/www/            the search page (fcgi/www)
#   share/migsearch/nginx.conf.example, with the page's paths of this install
#   share/man/man1/migsearch-index.1, migsearch-fcgi.1
#   share/doc/migsearch/            the guides, CHANGELOG.md, the ops kit
# and under MS_SYSCONFDIR (/etc unless told otherwise, whatever the prefix:
# the programs read the config where it was installed, never a copy beside):
#   migsearch/migsearch.yaml, migsearch/synonyms.yaml, sudoers.d/migsearch
# `make package` (cpack) makes a .deb of the same tree; its postinst adds the
# user migsearch, the group migsearch-staff and /var/lib/migsearch.
include(GNUInstallDirs)

set(MS_SYSCONFDIR "/etc" CACHE PATH "Where migsearch/ (the config) and sudoers.d/ go")
set(MS_CONFIG_DIR "${MS_SYSCONFDIR}/migsearch")
target_compile_definitions(ms_config
                           PUBLIC MS_CONFIG_DEFAULT_PATH="${MS_CONFIG_DIR}/migsearch.yaml")

# What the generated files say about this install.
set(MS_BINDIR "${CMAKE_INSTALL_FULL_BINDIR}")
set(MS_CONFIG "${MS_CONFIG_DIR}/migsearch.yaml")
set(MS_DATADIR "${CMAKE_INSTALL_FULL_DATADIR}/migsearch")
set(MS_DOCDIR "${CMAKE_INSTALL_FULL_DOCDIR}")
set(MS_UNITDIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
set(MS_VERSION "${PROJECT_VERSION}")
set(gen "${CMAKE_CURRENT_BINARY_DIR}/packaging")

# The server's unit is config/migsearch-fcgi.service, written for
# /usr/local/bin; the copy installed names this install's binary.
file(READ "${CMAKE_CURRENT_SOURCE_DIR}/config/migsearch-fcgi.service" unit)
string(REPLACE "/usr/local/bin/" "${MS_BINDIR}/" unit "${unit}")
string(REPLACE "/etc/migsearch/migsearch.yaml" "${MS_CONFIG}" unit "${unit}")
file(WRITE "${gen}/migsearch-fcgi.service" "${unit}")
foreach(name systemd/migsearch-index.service systemd/migsearch-index.timer
        man/migsearch-index.1 man/migsearch-fcgi.1 migsearch.sudoers)
  get_filename_component(base "${name}" NAME)
  configure_file("${CMAKE_CURRENT_SOURCE_DIR}/packaging/${name}" "${gen}/${base}" @ONLY)
endforeach()
# The nginx example with the page where this install put it.
file(READ "${CMAKE_CURRENT_SOURCE_DIR}/nginx.conf.example" site)
string(REPLACE "root /srv/migsearch/www;" "root ${MS_DATADIR}/www;" site "${site}")
string(REPLACE "alias /srv/migsearch/www/;" "alias ${MS_DATADIR}/www/;" site "${site}")
file(WRITE "${gen}/nginx.conf.example" "${site}")

install(FILES config/migsearch.yaml config/synonyms.yaml DESTINATION "${MS_CONFIG_DIR}")
install(FILES "${gen}/migsearch.sudoers" DESTINATION "${MS_SYSCONFDIR}/sudoers.d"
        RENAME migsearch PERMISSIONS OWNER_READ GROUP_READ)
install(FILES "${gen}/migsearch-fcgi.service" "${gen}/migsearch-index.service"
              "${gen}/migsearch-index.timer" DESTINATION lib/systemd/system)
install(DIRECTORY fcgi/www/ DESTINATION "${CMAKE_INSTALL_DATADIR}/migsearch/www")
install(FILES "${gen}/nginx.conf.example" DESTINATION "${CMAKE_INSTALL_DATADIR}/migsearch")
install(FILES "${gen}/migsearch-index.1" "${gen}/migsearch-fcgi.1"
        DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES README.md CHANGELOG.md docs/admins.md docs/staff.md docs/api.md
              docs/config.md docs/ops.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(DIRECTORY packaging/ops/ DESTINATION "${CMAKE_INSTALL_DOCDIR}/ops")
install(FILES docs/templates/meeting.recommendations.yaml
        DESTINATION "${CMAKE_INSTALL_DOCDIR}/templates")

# net (issue 17): the replication follower, and the units and drop-ins of a
# cluster (docs/admins.md "Scaling out"), installed as examples, enabled by
# nobody until an admin copies them.
install(PROGRAMS packaging/cluster/migsearch-replica DESTINATION "${CMAKE_INSTALL_BINDIR}")
foreach(name migsearch-replica-publish.service migsearch-replica-follow.service)
  configure_file("${CMAKE_CURRENT_SOURCE_DIR}/packaging/cluster/${name}" "${gen}/${name}" @ONLY)
  install(FILES "${gen}/${name}" DESTINATION "${CMAKE_INSTALL_DOCDIR}/cluster")
endforeach()
install(FILES packaging/cluster/migsearch-replicate-server.service
              packaging/cluster/migsearch-index-changesets.conf
              packaging/cluster/migsearch-fcgi-tcp.conf
        DESTINATION "${CMAKE_INSTALL_DOCDIR}/cluster")

# The Debian package: the same tree, with the prefix this build was
# configured for (`make package` configures /usr).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME migsearch)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "migsearch maintainers <migsearch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "full-text search for the migration archive")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_SET_DESTDIR ON) # the config and sudoers paths are absolute
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nginx-light | nginx, sudo")
configure_file(packaging/debian/conffiles.in "${gen}/conffiles" @ONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${CMAKE_CURRENT_SOURCE_DIR}/packaging/debian/postinst"
                                       "${gen}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
