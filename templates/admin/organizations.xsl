<?xml version="1.0" encoding="UTF-8"?>
<!-- organizations.xsl: organisations for administrators: list, create, rename, merge, delete -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Organisations")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Organisations")'/></h1>
    </div>
    <xsl:apply-templates select="organizations"/>
  </xsl:template>

  <xsl:template match="organizations">
    <div class="table-wrap" role="region" aria-labelledby="orgs-caption" tabindex="0">
      <table class="data-table">
        <caption id="orgs-caption" class="visually-hidden"><xsl:value-of select='mkt:tr("Organisations")'/></caption>
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select='mkt:tr("Organisation")'/></th>
            <th scope="col" class="num"><xsl:value-of select='mkt:tr("Users")'/></th>
            <th scope="col" class="num"><xsl:value-of select='mkt:tr("Providers")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Rename")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Monthly budget and data residency")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Merge or delete")'/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="items/item">
            <tr>
              <th scope="row">
                <span class="service-name"><xsl:value-of select="name"/></span>
                <span class="provider"><xsl:value-of select="slug"/></span>
              </th>
              <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="members"/></xsl:call-template></td>
              <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="providers"/></xsl:call-template></td>
              <td>
                <form method="post" action="/admin/organizations/{slug}" class="inline-form">
                  <input type="hidden" name="csrf" value="{../../csrf}"/>
                  <label class="check">
                    <span class="visually-hidden"><xsl:value-of select='mkt:tr("Name")'/></span>
                    <input type="text" name="name" value="{name}" required="required" maxlength="200"/>
                  </label>
                  <button type="submit" class="button button-small"><xsl:value-of select='mkt:tr("Save")'/></button>
                </form>
              </td>
              <td>
                <form method="post" action="/admin/organizations/{slug}/budget" class="inline-form">
                  <input type="hidden" name="csrf" value="{../../csrf}"/>
                  <label class="check">
                    <span class="visually-hidden"><xsl:value-of select='mkt:tr("Monthly budget")'/></span>
                    <input type="text" name="monthly_budget" value="{monthly_budget}" size="8" maxlength="24"
                           inputmode="decimal" pattern="[0-9]+(\.[0-9]{{1,6}})?" placeholder='{mkt:tr("none")}'/>
                  </label>
                  <label class="check">
                    <span class="visually-hidden"><xsl:value-of select='mkt:tr("Data must stay in")'/></span>
                    <input type="text" name="residency_required" value="{residency_required}" size="3" maxlength="2"
                           pattern="EU|[A-Z]{{2}}" placeholder='{mkt:tr("anywhere")}'/>
                  </label>
                  <button type="submit" class="button button-small"><xsl:value-of select='mkt:tr("Save")'/></button>
                </form>
                <xsl:if test="string(monthly_budget) != ''">
                  <span class="provider">
                    <xsl:value-of select='mkt:tr("spent this month:")'/>
                    <xsl:text> </xsl:text>
                    <xsl:value-of select="spent"/>
                  </span>
                </xsl:if>
              </td>
              <td>
                <xsl:variable name="me" select="slug"/>
                <xsl:choose>
                  <xsl:when test="members = 0 and providers = 0">
                    <form method="post" action="/admin/organizations/{slug}/delete" class="inline-form">
                      <input type="hidden" name="csrf" value="{../../csrf}"/>
                      <button type="submit" class="button button-small button-danger"><xsl:value-of select='mkt:tr("Delete")'/></button>
                    </form>
                  </xsl:when>
                  <xsl:when test="count(../item) &gt; 1">
                    <form method="post" action="/admin/organizations/{slug}/merge" class="inline-form">
                      <input type="hidden" name="csrf" value="{../../csrf}"/>
                      <label class="check">
                        <span class="visually-hidden"><xsl:value-of select='mkt:tr("Merge into")'/></span>
                        <select name="into" required="required">
                          <xsl:for-each select="../item[slug != $me]">
                            <option value="{slug}"><xsl:value-of select="name"/></option>
                          </xsl:for-each>
                        </select>
                      </label>
                      <button type="submit" class="button button-small"><xsl:value-of select='mkt:tr("Merge into")'/></button>
                    </form>
                  </xsl:when>
                </xsl:choose>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </div>

    <section class="card">
      <h2><xsl:value-of select='mkt:tr("Create an organisation")'/></h2>
      <form method="post" action="/admin/organizations" class="stack-form">
        <input type="hidden" name="csrf" value="{csrf}"/>
        <div class="field">
          <label for="o-slug"><xsl:value-of select='mkt:tr("Slug (lower-case letters, digits and -)")'/></label>
          <input id="o-slug" type="text" name="slug" required="required" maxlength="64" pattern="[a-z0-9][a-z0-9._\-]*"/>
        </div>
        <div class="field">
          <label for="o-name"><xsl:value-of select='mkt:tr("Name")'/></label>
          <input id="o-name" type="text" name="name" required="required" maxlength="200"/>
        </div>
        <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Create")'/></button>
      </form>
    </section>
  </xsl:template>
</xsl:stylesheet>
